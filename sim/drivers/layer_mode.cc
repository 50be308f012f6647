#include "sim/drivers/layer_mode.h"

#include <algorithm>

#include "models/error.h"
#include "models/kernels/packed.h"

namespace ernsim {

namespace {

// Fixed pipeline latency of a job beyond its steps (docs/rtl.md, "Timing").
constexpr uint64_t kConvLatency = 7;
constexpr uint64_t kEmbedLatency = 4;

int ceil_div(int a, int b) { return (a + b - 1) / b; }

// Sets `width` bits at `lsb` of a little-endian vector of 64-bit words.
void put_bits(std::vector<uint64_t>& words, int lsb, int width, uint64_t value) {
  for (int i = 0; i < width; ++i) {
    const int bit = lsb + i;
    const uint64_t mask = uint64_t{1} << (bit % 64);
    if ((value >> i) & 1) {
      words[bit / 64] |= mask;
    } else {
      words[bit / 64] &= ~mask;
    }
  }
}

uint64_t get_bits(const uint64_t* words, int lsb, int width) {
  uint64_t value = 0;
  for (int i = 0; i < width; ++i) {
    const int bit = lsb + i;
    value |= ((words[bit / 64] >> (bit % 64)) & 1) << i;
  }
  return value;
}

int64_t sign_extend(uint64_t value, int width) {
  const uint64_t sign = uint64_t{1} << (width - 1);
  return static_cast<int64_t>((value ^ sign) - sign);
}

uint64_t to_twos(int64_t value, int width) {
  return static_cast<uint64_t>(value) & ((width == 64) ? ~uint64_t{0} : ((uint64_t{1} << width) - 1));
}

bool fits_signed(int64_t value, int width) {
  return value >= -(int64_t{1} << (width - 1)) && value < (int64_t{1} << (width - 1));
}

// Shape of a conv layer case.
struct ConvShape {
  int in_c, in_h, in_w;
  int out_c, out_h, out_w;
  int k, stride, pad, taps, blocks;
  bool residual, write_act, write_stream, write_sum;
};

ConvShape conv_shape(const LayerCase& lc) {
  const Layer& l = *lc.layer;
  ConvShape s;
  s.in_c = lc.input->channels();
  s.in_h = lc.input->height();
  s.in_w = lc.input->width();
  s.k = l.kernel();
  s.stride = l.stride;
  s.pad = l.pad;
  s.taps = s.k * s.k;
  s.blocks = blocks_for(s.in_c);
  s.out_c = l.weights.out_channels();
  s.out_h = conv_out_size(s.in_h, s.k, s.stride, s.pad);
  s.out_w = conv_out_size(s.in_w, s.k, s.stride, s.pad);
  s.residual = l.residual >= 0;
  s.write_act = l.out_act >= 0;
  s.write_stream = l.out_int >= 0;
  s.write_sum = l.out_sum >= 0;
  return s;
}

// 64-lane output blocks that output-channel groups [og0, og0 + count) touch.
int output_blocks(const HwConfig& cfg, int og0, int count) {
  return ((og0 + count) * cfg.pe_out - 1) / HwConfig::kLanes - og0 * cfg.pe_out / HwConfig::kLanes + 1;
}

std::vector<JobPlan> plan_conv(const HwConfig& cfg, const LayerCase& lc, const TileBudget& budget) {
  const ConvShape s = conv_shape(lc);
  if (s.blocks > cfg.max_in_blocks) {
    fail("layer {}: {} input channels exceed the engine's {} blocks of 64", lc.name, s.in_c, cfg.max_in_blocks);
  }
  const int og_total = ceil_div(s.out_c, cfg.pe_out);
  const int pgs = ceil_div(s.out_w, cfg.pe_pix);
  const int row_stride = ceil_div(s.in_w, cfg.banks());
  // Rows the activation buffer can hold, and the output rows they give.
  const int act_rows = budget.act / (row_stride * s.blocks);
  const int act_out_rows = act_rows < s.k ? 0 : (act_rows - s.k) / s.stride + 1;
  if (act_out_rows < 1) {
    fail("layer {}: one output row needs {} activation entries per bank, configuration {} holds {}", lc.name,
         s.k * row_stride * s.blocks, cfg.name, budget.act);
  }
  int og_count = std::min(og_total, budget.wgt / (s.taps * s.blocks));
  og_count = std::min(og_count, budget.thr);
  if (s.write_sum) og_count = std::min(og_count, budget.sum);
  if (og_count < 1) {
    fail("layer {}: one channel group needs {} weight entries, configuration {} holds {}", lc.name,
         s.taps * s.blocks, cfg.name, budget.wgt);
  }
  // Output rows per job for a channel-group count: what every buffer allows.
  auto rows_for = [&](int ogs) {
    int rows = std::min(s.out_h, act_out_rows);
    if (budget.max_rows > 0) rows = std::min(rows, budget.max_rows);
    // A misaligned group range may touch one 64-lane block more than its size needs.
    const int blocks = (ogs * cfg.pe_out + HwConfig::kLanes - 1) / HwConfig::kLanes + (cfg.pe_out < HwConfig::kLanes);
    if (s.write_act) rows = std::min(rows, budget.out / (blocks * pgs));
    if (s.write_stream || s.residual) rows = std::min(rows, budget.str / (ogs * pgs));
    return rows;
  };
  int rows = rows_for(og_count);
  while (rows < 1 && og_count > 1) rows = rows_for(og_count = (og_count + 1) / 2);
  if (rows < 1) {
    fail("layer {}: one output row of {} pixel groups does not fit the output buffers of configuration {}", lc.name,
         pgs, cfg.name);
  }

  // Jobs by row tile, then channel range, so each input tile is loaded once; class sums add up
  // across row tiles in the sum buffer, so they go by channel range, then row tile.
  std::vector<std::pair<int, int>> order;  // (y0, og0)
  if (s.write_sum) {
    for (int og0 = 0; og0 < og_total; og0 += og_count) {
      for (int y0 = 0; y0 < s.out_h; y0 += rows) order.emplace_back(y0, og0);
    }
  } else {
    for (int y0 = 0; y0 < s.out_h; y0 += rows) {
      for (int og0 = 0; og0 < og_total; og0 += og_count) order.emplace_back(y0, og0);
    }
  }
  std::vector<JobPlan> plan;
  for (const auto& [y0, og0] : order) {
    const int job_rows = std::min(rows, s.out_h - y0);
    const int iy_lo = std::max(0, y0 * s.stride - s.pad);
    const int iy_hi = std::min(s.in_h - 1, (y0 + job_rows - 1) * s.stride - s.pad + s.k - 1);
    JobPlan j;
    j.out_y0 = y0;
    j.out_rows = job_rows;
    j.og0 = og0;
    j.og_count = std::min(og_count, og_total - og0);
    j.in_y0 = iy_lo;
    j.in_rows = iy_hi - iy_lo + 1;
    j.read_sums = s.write_sum && y0 + job_rows == s.out_h;
    j.blocks = output_blocks(cfg, og0, j.og_count);
    JobDescriptor& d = j.desc;
    d.op = static_cast<uint64_t>(JobOp::kConv);
    d.kernel3 = s.k == 3;
    d.stride2 = s.stride == 2;
    d.residual = s.residual;
    d.write_act = s.write_act;
    d.write_stream = s.write_stream;
    d.write_sum = s.write_sum;
    d.sum_accumulate = s.write_sum && y0 > 0;
    d.in_blocks = static_cast<uint64_t>(s.blocks);
    d.og_count = static_cast<uint64_t>(j.og_count);
    d.og0 = static_cast<uint64_t>(og0);
    d.last_og_lanes = static_cast<uint64_t>(std::min(cfg.pe_out, s.out_c - (og0 + j.og_count - 1) * cfg.pe_out));
    d.in_height = static_cast<uint64_t>(s.in_h);
    d.in_width = static_cast<uint64_t>(s.in_w);
    d.in_y0 = static_cast<uint64_t>(j.in_y0);
    d.in_rows = static_cast<uint64_t>(j.in_rows);
    d.out_y0 = static_cast<uint64_t>(y0);
    d.out_rows = static_cast<uint64_t>(job_rows);
    d.out_width = static_cast<uint64_t>(s.out_w);
    d.out_pgs = static_cast<uint64_t>(pgs);
    d.act_row_stride = static_cast<uint64_t>(row_stride);
    d.act_block_stride = static_cast<uint64_t>(j.in_rows) * row_stride;
    d.act_row0_offset = static_cast<int64_t>(y0 * s.stride - s.pad - iy_lo) * row_stride;
    plan.push_back(j);
  }
  return plan;
}

std::vector<JobPlan> plan_embed(const HwConfig& cfg, const LayerCase& lc, const TileBudget& budget) {
  const Layer& l = *lc.layer;
  const int h = lc.input->height(), w = lc.input->width();
  const int channels = static_cast<int>(l.table.size());
  if (lc.input->channels() != cfg.embed_colours || channels != cfg.embed_colours * cfg.embed_per_colour) {
    fail("layer {}: {} colours to {} channels, the engine embeds {} colours to {} x {}", lc.name,
         lc.input->channels(), channels, cfg.embed_colours, cfg.embed_colours, cfg.embed_per_colour);
  }
  for (int c = 0; c < channels; ++c) {
    if (l.source_channel[c] != c / cfg.embed_per_colour) {
      fail("layer {}: channel {} reads colour {}, the engine's layout needs colour {}", lc.name, c,
           l.source_channel[c], c / cfg.embed_per_colour);
    }
  }
  const int pgs = ceil_div(w, cfg.pe_pix);
  int rows = std::min({h, budget.img / w, budget.out / pgs});
  if (budget.max_rows > 0) rows = std::min(rows, budget.max_rows);
  if (rows < 1) fail("layer {}: one image row of {} pixels does not fit configuration {}", lc.name, w, cfg.name);
  std::vector<JobPlan> plan;
  for (int y0 = 0; y0 < h; y0 += rows) {
    JobPlan j;
    j.out_y0 = y0;
    j.out_rows = std::min(rows, h - y0);
    j.in_y0 = y0;
    j.in_rows = j.out_rows;
    j.blocks = 1;
    JobDescriptor& d = j.desc;
    d.op = static_cast<uint64_t>(JobOp::kEmbed);
    d.in_height = static_cast<uint64_t>(h);
    d.in_width = static_cast<uint64_t>(w);
    d.in_y0 = static_cast<uint64_t>(y0);
    d.in_rows = static_cast<uint64_t>(j.out_rows);
    d.out_y0 = static_cast<uint64_t>(y0);
    d.out_rows = static_cast<uint64_t>(j.out_rows);
    d.out_width = static_cast<uint64_t>(w);
    d.out_pgs = static_cast<uint64_t>(pgs);
    plan.push_back(j);
  }
  return plan;
}

// The engine latches only its own fields, which lead the descriptor.
void write_descriptor(EnginePort& port, const JobDescriptor& d) {
  const auto words = d.pack();
  for (int i = 0; i < JobDescriptor::kEngineWords; ++i) port.write(EngineBuffer::kDesc, 0, static_cast<uint32_t>(i), 0, words[i]);
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

void load_thresholds(EnginePort& port, const HwConfig& cfg, const std::vector<Quantizer>& quantizers, const JobPlan& j) {
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
              fail_check("layer {}: residual value {} at channel {} ({}, {}) does not fit the {}-bit stream", lc.name, v,
                   c, j.out_y0 + r, x, sw);
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
    const int first_block = j.og0 * cfg.pe_out / HwConfig::kLanes;
    const int act_entries = j.blocks * j.out_rows * pgs;
    std::vector<std::vector<uint64_t>> data(cfg.pe_pix, std::vector<uint64_t>(static_cast<size_t>(act_entries) * 2));
    for (int p = 0; p < cfg.pe_pix; ++p) port.read(EngineBuffer::kOact, p, 0, act_entries, 2, data[p].data());
    for_each_output([&](int, int p, int, int c, int y, int x) {
      const int entry = ((c / HwConfig::kLanes - first_block) * j.out_rows + (y - j.out_y0)) * pgs + x / cfg.pe_pix;
      const uint64_t* e = &data[p][static_cast<size_t>(entry) * 2];
      const int lane = c % HwConfig::kLanes;
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
    const int words = HwConfig::words(cfg.pe_out * HwConfig::kSumWidth);
    std::vector<uint64_t> data(static_cast<size_t>(j.og_count) * words);
    port.read(EngineBuffer::kSum, 0, 0, j.og_count, words, data.data());
    for (int g = 0; g < j.og_count; ++g) {
      for (int o = 0; o < cfg.pe_out; ++o) {
        const int c = (j.og0 + g) * cfg.pe_out + o;
        if (c >= s.out_c) continue;
        const uint64_t raw = get_bits(&data[static_cast<size_t>(g) * words], o * HwConfig::kSumWidth, HwConfig::kSumWidth);
        out.sums.at(c, 0, 0) = static_cast<int32_t>(sign_extend(raw, HwConfig::kSumWidth));
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
  for (const JobPlan& j : plan_conv(cfg, lc, full_budget(cfg))) {
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
  const std::vector<JobPlan> plan = plan_embed(cfg, lc, full_budget(cfg));
  uint64_t port_start = port.cycle();
  for (int colour = 0; colour < cfg.embed_colours; ++colour) {
    for (int value = 0; value < 256; ++value) {
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

std::vector<JobPlan> plan_layer(const HwConfig& config, const LayerCase& layer_case, const TileBudget& budget) {
  return layer_case.layer->is_conv() ? plan_conv(config, layer_case, budget) : plan_embed(config, layer_case, budget);
}

TileBudget full_budget(const HwConfig& c) {
  TileBudget b;
  b.act = c.act_depth;
  b.wgt = c.wgt_depth;
  b.thr = c.thr_depth;
  b.str = c.str_depth;
  b.out = c.out_depth;
  b.sum = c.sum_depth;
  b.img = c.img_depth;
  return b;
}

TileBudget half_budget(const HwConfig& c) {
  TileBudget b = full_budget(c);
  for (int* depth : {&b.act, &b.wgt, &b.thr, &b.str, &b.out, &b.sum, &b.img}) *depth /= 2;
  return b;
}

std::vector<uint64_t> weight_entry(const HwConfig& cfg, const BinaryWeights& w, int og, int tap, int block) {
  std::vector<uint64_t> entry(static_cast<size_t>(cfg.pe_out));
  for (int o = 0; o < cfg.pe_out; ++o) {
    const int channel = og * cfg.pe_out + o;
    entry[o] = channel < w.out_channels() ? w.word(channel, tap, block) : 0;
  }
  return entry;
}

std::vector<uint64_t> threshold_entry(const HwConfig& cfg, const std::vector<Quantizer>& quantizers, int og) {
  const int tw = cfg.thr_width();
  const int entry_bits = cfg.thr_entry_bits();
  // |acc + residual| < 2^(value_width - 1), so clamping a threshold to +/- 2^(value_width - 1)
  // changes no comparison and keeps it in the threshold width.
  const int64_t limit = int64_t{1} << (cfg.value_width() - 1);
  std::vector<uint64_t> words(static_cast<size_t>(HwConfig::words(cfg.pe_out * entry_bits)), 0);
  for (int o = 0; o < cfg.pe_out; ++o) {
    const size_t channel = static_cast<size_t>(og * cfg.pe_out + o);
    const Quantizer q = channel < quantizers.size() ? quantizers[channel] : Quantizer{ActMode::kConstant, {0, 0, 0}, 0};
    const int lsb = o * entry_bits;
    put_bits(words, lsb, 2, static_cast<uint64_t>(q.mode));
    for (int m = 0; m < 3; ++m) {
      const int64_t t = q.mode == ActMode::kConstant ? (m == 0 ? q.level : 0)
                                                     : std::clamp<int64_t>(q.threshold[m], -limit, limit);
      put_bits(words, lsb + 2 + m * tw, tw, to_twos(t, tw));
    }
  }
  return words;
}

LayerOutputs run_layer(EnginePort& port, const HwConfig& config, const LayerCase& layer_case, LayerRunStats& stats) {
  return layer_case.layer->is_conv() ? run_conv(port, config, layer_case, stats)
                                     : run_embed(port, config, layer_case, stats);
}

uint64_t predicted_job_cycles(const JobDescriptor& d) {
  if (d.op == static_cast<uint64_t>(JobOp::kEmbed)) return d.out_rows * d.in_width + kEmbedLatency;
  const uint64_t taps = d.paired ? 6 : d.kernel3 ? 9 : 1;
  return d.og_count * d.out_rows * d.out_pgs * taps * d.in_blocks + kConvLatency;
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
