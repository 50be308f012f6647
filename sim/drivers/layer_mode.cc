#include "sim/drivers/layer_mode.h"

#include <algorithm>

#include "models/error.h"
#include "models/kernels/packed.h"
#include "sim/compiler/buffer_entries.h"
#include "sim/compiler/tiling.h"
#include "sim/estimators/job_cycles.h"

namespace ernsim {

namespace {

// The engine latches only its own fields, which lead the descriptor.
void write_descriptor(EnginePort& port, const JobDescriptor& d) {
  const auto words = d.pack();
  for (int i = 0; i < JobDescriptor::kEngineWords; ++i)
    port.write(EngineBuffer::kDesc, 0, static_cast<uint32_t>(i), 0, words[i]);
}

void write_entry(EnginePort& port, EngineBuffer buffer, int bank, uint32_t entry, const std::vector<uint64_t>& words) {
  for (size_t w = 0; w < words.size(); ++w) port.write(buffer, bank, entry, static_cast<int>(w), words[w]);
}

void load_act_tile(EnginePort& port, const HwConfig& cfg, const PackedAct& input, const JobPlan& j) {
  const int banks = cfg.banks();
  const int row_stride = static_cast<int>(j.desc.act_row_stride);
  const int block_stride = static_cast<int>(j.desc.act_block_stride);
  for (int r = 0; r < j.in_rows; ++r) {
    for (int x = 0; x < input.width(); ++x) {
      const uint64_t* words = input.pixel(j.in_y0 + r, x);
      for (int b = 0; b < input.blocks(); ++b) {
        const uint32_t entry = static_cast<uint32_t>(b * block_stride + r * row_stride + x / banks);
        port.write(EngineBuffer::kAct, x % banks, entry, 0, words[2 * b]);
        port.write(EngineBuffer::kAct, x % banks, entry, 1, words[2 * b + 1]);
      }
    }
  }
}

void load_weights(EnginePort& port, const HwConfig& cfg, const BinaryWeights& w, const JobPlan& j) {
  const int taps = w.taps(), blocks = w.in_blocks();
  for (int g = 0; g < j.og_count; ++g) {
    for (int t = 0; t < taps; ++t) {
      for (int b = 0; b < blocks; ++b) {
        write_entry(port, EngineBuffer::kWgt, 0, static_cast<uint32_t>((g * taps + t) * blocks + b),
                    weight_entry(cfg, w, j.og0 + g, t, b));
      }
    }
  }
}

void load_thresholds(EnginePort& port, const HwConfig& cfg, const std::vector<Quantizer>& quantizers,
                     const JobPlan& j) {
  for (int g = 0; g < j.og_count; ++g) {
    write_entry(port, EngineBuffer::kThr, 0, static_cast<uint32_t>(g), threshold_entry(cfg, quantizers, j.og0 + g));
  }
}

// Entries of the per-pixel-bank buffers (residual, outputs) are indexed by
// (og - og0) * rows * pgs + row * pgs + pgx: the order the engine produces pixel groups in.
void load_residual(EnginePort& port, const HwConfig& cfg, const LayerCase& lc, const JobPlan& j) {
  const IntTensor& res = *lc.residual;
  const int pgs = static_cast<int>(j.desc.out_pgs);
  const int sw = cfg.stream_width;
  for (int g = 0; g < j.og_count; ++g) {
    for (int r = 0; r < j.out_rows; ++r) {
      for (int pgx = 0; pgx < pgs; ++pgx) {
        for (int p = 0; p < cfg.pe_pix; ++p) {
          const int x = pgx * cfg.pe_pix + p;
          if (x >= res.width()) continue;
          std::vector<uint64_t> words(static_cast<size_t>(HwConfig::words(cfg.pe_out * sw)), 0);
          for (int o = 0; o < cfg.pe_out; ++o) {
            const int c = (j.og0 + g) * cfg.pe_out + o;
            if (c >= res.channels()) continue;
            const int32_t v = res.at(c, j.out_y0 + r, x);
            if (!fits_signed(v, sw)) {
              fail_check("layer {}: residual value {} at channel {} ({}, {}) does not fit the {}-bit stream", lc.name,
                         v, c, j.out_y0 + r, x, sw);
            }
            put_bits(words, o * sw, sw, to_twos(v, sw));
          }
          write_entry(port, EngineBuffer::kRes, p, static_cast<uint32_t>((g * j.out_rows + r) * pgs + pgx), words);
        }
      }
    }
  }
}

void read_conv_outputs(EnginePort& port, const HwConfig& cfg, const ConvShape& s, const JobPlan& j, LayerOutputs& out) {
  const int pgs = static_cast<int>(j.desc.out_pgs);
  const int entries = j.og_count * j.out_rows * pgs;
  auto for_each_output = [&](auto&& visit) {
    for (int g = 0; g < j.og_count; ++g) {
      for (int r = 0; r < j.out_rows; ++r) {
        for (int pgx = 0; pgx < pgs; ++pgx) {
          for (int o = 0; o < cfg.pe_out; ++o) {
            const int c = (j.og0 + g) * cfg.pe_out + o;
            const int entry = (g * j.out_rows + r) * pgs + pgx;
            for (int p = 0; p < cfg.pe_pix; ++p) {
              const int x = pgx * cfg.pe_pix + p;
              if (c < s.out_c && x < s.out_w) visit(entry, p, o, c, j.out_y0 + r, x);
            }
          }
        }
      }
    }
  };
  if (s.write_act) {
    // 64-lane words {plane 1, plane 0} for (block of the job, row, pixel group); channel c is lane
    // c mod 64 of block c / 64.
    const int first_block = j.og0 * cfg.pe_out / hw_spec::kLanes;
    const int act_entries = j.blocks * j.out_rows * pgs;
    std::vector<std::vector<uint64_t>> data(cfg.pe_pix, std::vector<uint64_t>(static_cast<size_t>(act_entries) * 2));
    for (int p = 0; p < cfg.pe_pix; ++p) port.read(EngineBuffer::kOact, p, 0, act_entries, 2, data[p].data());
    for_each_output([&](int, int p, int, int c, int y, int x) {
      const int entry = ((c / hw_spec::kLanes - first_block) * j.out_rows + (y - j.out_y0)) * pgs + x / cfg.pe_pix;
      const uint64_t* e = &data[p][static_cast<size_t>(entry) * 2];
      const int lane = c % hw_spec::kLanes;
      out.act.at(c, y, x) = static_cast<uint8_t>(((e[0] >> lane) & 1) | (((e[1] >> lane) & 1) << 1));
    });
  }
  if (s.write_stream) {
    const int sw = cfg.stream_width;
    const int words = HwConfig::words(cfg.pe_out * sw);
    std::vector<std::vector<uint64_t>> data(cfg.pe_pix, std::vector<uint64_t>(static_cast<size_t>(entries) * words));
    for (int p = 0; p < cfg.pe_pix; ++p) port.read(EngineBuffer::kOstr, p, 0, entries, words, data[p].data());
    for_each_output([&](int entry, int p, int o, int c, int y, int x) {
      const uint64_t* e = &data[p][static_cast<size_t>(entry) * words];
      out.stream.at(c, y, x) = static_cast<int32_t>(sign_extend(get_bits(e, o * sw, sw), sw));
    });
  }
  if (j.read_sums) {
    const int words = HwConfig::words(cfg.pe_out * hw_spec::kSumW);
    std::vector<uint64_t> data(static_cast<size_t>(j.og_count) * words);
    port.read(EngineBuffer::kSum, 0, 0, j.og_count, words, data.data());
    for (int g = 0; g < j.og_count; ++g) {
      for (int o = 0; o < cfg.pe_out; ++o) {
        const int c = (j.og0 + g) * cfg.pe_out + o;
        if (c >= s.out_c) continue;
        const uint64_t raw = get_bits(&data[static_cast<size_t>(g) * words], o * hw_spec::kSumW, hw_spec::kSumW);
        out.sums.at(c, 0, 0) = static_cast<int32_t>(sign_extend(raw, hw_spec::kSumW));
      }
    }
  }
}

LayerOutputs run_conv(EnginePort& port, const HwConfig& cfg, const LayerCase& lc, LayerRunStats& stats) {
  const Layer& l = *lc.layer;
  const ConvShape s = conv_shape(lc);
  if (s.residual && (!lc.residual || !lc.residual->same_shape(s.out_c, s.out_h, s.out_w))) {
    fail("layer {}: residual input missing or of the wrong shape", lc.name);
  }
  LayerOutputs out;
  if (s.write_act) out.act = ActTensor(s.out_c, s.out_h, s.out_w);
  if (s.write_stream) out.stream = IntTensor(s.out_c, s.out_h, s.out_w);
  if (s.write_sum) out.sums = IntTensor(s.out_c, 1, 1);
  const PackedAct input = pack(*lc.input);
  int loaded_tile = -1, loaded_og0 = -1;
  for (const JobPlan& j : plan_layer(cfg, lc, full_budget(cfg))) {
    const uint64_t port_start = port.cycle();
    if (loaded_tile != j.out_y0) load_act_tile(port, cfg, input, j);
    if (loaded_og0 != j.og0) {
      load_weights(port, cfg, l.weights, j);
      if (s.write_act) load_thresholds(port, cfg, l.quantizers, j);
    }
    loaded_tile = j.out_y0;
    loaded_og0 = j.og0;
    if (s.residual) load_residual(port, cfg, lc, j);
    write_descriptor(port, j.desc);
    stats.port_cycles += port.cycle() - port_start;

    const JobStatus status = port.run_job();
    stats.cycles += status.cycles;
    stats.predicted_cycles += predicted_job_cycles(j.desc);
    stats.overflows += status.overflows;
    stats.tile_error |= status.tile_error;
    ++stats.jobs;

    const uint64_t read_start = port.cycle();
    read_conv_outputs(port, cfg, s, j, out);
    stats.port_cycles += port.cycle() - read_start;
  }
  return out;
}

LayerOutputs run_embed(EnginePort& port, const HwConfig& cfg, const LayerCase& lc, LayerRunStats& stats) {
  const Layer& l = *lc.layer;
  const ActTensor& image = *lc.input;
  const int w = image.width();
  const int channels = static_cast<int>(l.table.size());
  LayerOutputs out;
  out.act = ActTensor(channels, image.height(), w);
  const std::vector<JobPlan> plan = plan_layer(cfg, lc, full_budget(cfg));
  uint64_t port_start = port.cycle();
  for (int colour = 0; colour < cfg.embed_colours; ++colour) {
    for (int value = 0; value < hw_spec::kEmbEntries; ++value) {
      uint64_t entry = 0;
      for (int j = 0; j < cfg.embed_per_colour; ++j) {
        entry |= uint64_t{l.table[colour * cfg.embed_per_colour + j][value]} << (2 * j);
      }
      port.write(EngineBuffer::kEmb, colour, static_cast<uint32_t>(value), 0, entry);
    }
  }
  stats.port_cycles += port.cycle() - port_start;
  for (const JobPlan& j : plan) {
    port_start = port.cycle();
    for (int r = 0; r < j.out_rows; ++r) {
      for (int x = 0; x < w; ++x) {
        uint64_t pixel = 0;
        for (int c = 0; c < image.channels(); ++c) pixel |= uint64_t{image.at(c, j.out_y0 + r, x)} << (8 * c);
        port.write(EngineBuffer::kImg, 0, static_cast<uint32_t>(r * w + x), 0, pixel);
      }
    }
    write_descriptor(port, j.desc);
    stats.port_cycles += port.cycle() - port_start;

    const JobStatus status = port.run_job();
    stats.cycles += status.cycles;
    stats.predicted_cycles += predicted_job_cycles(j.desc);
    ++stats.jobs;

    port_start = port.cycle();
    const int pgs = static_cast<int>(j.desc.out_pgs);
    for (int bank = 0; bank < cfg.pe_pix; ++bank) {
      const int entries = j.out_rows * pgs;
      std::vector<uint64_t> data(static_cast<size_t>(entries) * 2);
      port.read(EngineBuffer::kOact, bank, 0, entries, 2, data.data());
      for (int r = 0; r < j.out_rows; ++r) {
        for (int x = bank; x < w; x += cfg.pe_pix) {
          const uint64_t* e = &data[static_cast<size_t>(r * pgs + x / cfg.pe_pix) * 2];
          for (int c = 0; c < channels; ++c) {
            out.act.at(c, j.out_y0 + r, x) = static_cast<uint8_t>(((e[0] >> c) & 1) | (((e[1] >> c) & 1) << 1));
          }
        }
      }
    }
    stats.port_cycles += port.cycle() - port_start;
  }
  return out;
}

}  // namespace

LayerOutputs run_layer(EnginePort& port, const HwConfig& config, const LayerCase& layer_case, LayerRunStats& stats) {
  return layer_case.layer->is_conv() ? run_conv(port, config, layer_case, stats)
                                     : run_embed(port, config, layer_case, stats);
}

void check_engine_config(EnginePort& port, const HwConfig& cfg) {
  uint64_t info[kCapabilityWords];
  port.read(EngineBuffer::kInfo, 0, 0, kCapabilityWords, 1, info);
  auto word = [&](Capability c) { return info[static_cast<uint32_t>(c)]; };
  if (word(Capability::kMagic) != kCapabilityMagic) {
    fail("the engine does not answer with its capability words (got {:#x})", word(Capability::kMagic));
  }
  const struct {
    const char* name;
    uint64_t engine;
    int64_t expected;
  } checks[] = {
      {"PeOut", word(Capability::kPeOut), cfg.pe_out},
      {"PePix", word(Capability::kPePix), cfg.pe_pix},
      {"StreamW", word(Capability::kStreamW), cfg.stream_width},
      {"AccW", word(Capability::kAccW), cfg.acc_width()},
      {"ThrW", word(Capability::kThrW), cfg.thr_width()},
      {"MaxInBlocks", word(Capability::kMaxInBlocks), cfg.max_in_blocks},
      {"ActDepth", word(Capability::kActDepth), cfg.act_depth},
      {"WgtDepth", word(Capability::kWgtDepth), cfg.wgt_depth},
      {"ThrDepth", word(Capability::kThrDepth), cfg.thr_depth},
      {"StrDepth", word(Capability::kStrDepth), cfg.str_depth},
      {"OutDepth", word(Capability::kOutDepth), cfg.out_depth},
      {"SumDepth", word(Capability::kSumDepth), cfg.sum_depth},
      {"ImgDepth", word(Capability::kImgDepth), cfg.img_depth},
      {"EmbColours", word(Capability::kEmbColours), cfg.embed_colours},
      {"EmbPerColour", word(Capability::kEmbPerColour), cfg.embed_per_colour},
      {"descriptor words", word(Capability::kDescWords), JobDescriptor::kWords},
  };
  for (const auto& c : checks) {
    if (static_cast<int64_t>(c.engine) != c.expected) {
      fail("the engine has {} = {}, configuration {} says {}", c.name, c.engine, cfg.name, c.expected);
    }
  }
}

}  // namespace ernsim
