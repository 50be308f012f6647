#include "sim/compiler/program.h"

#include <algorithm>

#include "models/error.h"
#include "sim/compiler/buffer_entries.h"
#include "sim/compiler/tiling.h"

namespace ernsim {

// The memory layout of rtl/ern_hw_spec.json, as the C++ types that write and read it here.
static_assert(hw_spec::kEmbEntryBytes == sizeof(uint32_t) && hw_spec::kPixelBytes == sizeof(uint32_t),
              "entries written as uint32_t");
static_assert(hw_spec::kActWordBytes == 2 * sizeof(uint64_t), "an activation word read as two 64-bit planes");
static_assert(hw_spec::kDescWordBytes == sizeof(uint32_t), "descriptor words packed as uint32_t");
static_assert(hw_spec::kLanes == kLanes,
              "the golden model's weight words (models/weights.h) are the accelerator's lanes");

namespace {

uint64_t round_up(uint64_t v, uint64_t to) { return (v + to - 1) / to * to; }

// Bump allocation of memory regions, each aligned to the memory port width.
class Allocator {
 public:
  explicit Allocator(uint64_t align) : align_(align) {}
  uint64_t take(uint64_t bytes) {
    const uint64_t addr = next_;
    next_ = round_up(next_ + std::max<uint64_t>(bytes, 1), align_);
    return addr;
  }
  uint64_t used() const { return next_; }

 private:
  uint64_t align_;
  uint64_t next_ = 0;
};

// The half of a buffer a job uses, and whether it must load it: a job reuses what the job just
// before it loaded when it needs the same data (it cannot be overwritten while both run), and
// otherwise loads into the other half (the job before may still be computing from its half).
struct HalfTracker {
  int half = 1;         // the last user's half
  std::string content;  // what the last user loaded there
  // Returns the half for `wanted`; sets `load` when it must be loaded.
  int use(const std::string& wanted, bool& load) {
    load = wanted != content;
    if (load) half = 1 - half;
    content = wanted;
    return half;
  }
  void clobber() { content.clear(); }
};

// Job index after which every row of a tensor is in memory: last_writer[y] is the last job that
// stores row y, or -1 if the host wrote it.
using RowWriters = std::vector<int>;

// Whether the network's pixel embedding feeds only a 3x3 stride-2 conv, through at most 32
// channels: then pixel pairs fit a word and that conv reads them as 3x2 words.
bool stem_pairs(const Network& net) {
  for (const Layer& e : net.layers) {
    if (e.is_conv()) continue;
    if (net.tensor(e.out_act).channels > hw_spec::kLanes / 2) return false;
    int readers = 0;
    bool fits = true;
    for (const Layer& l : net.layers) {
      if (l.input != e.out_act && l.residual != e.out_act) continue;
      ++readers;
      fits = fits && l.is_conv() && l.input == e.out_act && l.kernel() == 3 && l.stride == 2 && l.pad == 1;
    }
    return readers == 1 && fits;
  }
  return false;
}

// Words of a paired row of `width` pixels: pixels (2w - 1, 2w) for w = 0 .. width / 2.
int paired_words(int width) { return width / 2 + 1; }

// Weight taps of a layer's jobs: 3x2 for the conv that reads pixel pairs.
int job_taps(const Program& prog, const Network& net, const Layer& layer) {
  if (!layer.is_conv()) return 0;
  const bool reads_pairs = prog.paired && net.layers[static_cast<size_t>(net.tensor(layer.input).producer)].kind ==
                                              LayerKind::kPixelEmbedding;
  return reads_pairs ? 6 : layer.weights.taps();
}

}  // namespace

Program compile_program(const Network& net, const HwConfig& cfg, const CompileOptions& options) {
  Program prog;
  Allocator mem(static_cast<uint64_t>(cfg.mem_bytes));
  const uint64_t mb = static_cast<uint64_t>(cfg.mem_bytes);
  const uint64_t act_entry = hw_spec::kActWordBytes;
  const uint64_t str_entry = static_cast<uint64_t>(cfg.stream_entry_bytes());
  const uint64_t sum_entry = static_cast<uint64_t>(cfg.sum_entry_bytes());
  const uint64_t wgt_entry = static_cast<uint64_t>(cfg.weight_entry_bytes());
  const uint64_t thr_entry = static_cast<uint64_t>(cfg.threshold_entry_bytes());
  if (static_cast<int>(net.layers.size()) > cfg.max_layers) {
    fail("{} has {} layers; configuration {} counts at most {}", net.name, net.layers.size(), cfg.name, cfg.max_layers);
  }

  prog.paired = stem_pairs(net);
  int embedded = -1;  // the embedding's output tensor
  for (const Layer& l : net.layers) {
    if (!l.is_conv()) embedded = l.out_act;
  }

  // Tensors.
  prog.tensors.resize(net.tensors.size());
  for (size_t id = 0; id < net.tensors.size(); ++id) {
    const TensorInfo& t = net.tensors[id];
    TensorPlace& p = prog.tensors[id];
    switch (t.kind) {
      case TensorKind::kImage:
        p.entry = hw_spec::kPixelBytes;
        // Paired: one pixel of space on each side of the row (pixel -1 and pixel W read as pairs).
        p.pitch = round_up(static_cast<uint64_t>(t.width + (prog.paired ? 2 : 0)) * hw_spec::kPixelBytes, mb);
        p.plane = p.pitch * t.height;
        p.addr = mem.take(p.plane);
        prog.image_addr = p.addr;
        prog.image_pitch = p.pitch;
        break;
      case TensorKind::kAct:
        p.entry = act_entry;
        p.paired = prog.paired && static_cast<int>(id) == embedded;
        p.pitch = round_up(static_cast<uint64_t>(p.paired ? paired_words(t.width) : t.width) * act_entry, mb);
        p.plane = p.pitch * t.height;
        p.addr = mem.take(p.plane * blocks_for(t.channels));
        break;
      case TensorKind::kInt: {
        const int groups = (t.channels + cfg.pe_out - 1) / cfg.pe_out;
        if (t.height == 1 && t.width == 1 && net.layers[t.producer].out_sum == static_cast<int>(id)) {
          p.entry = sum_entry;
          p.addr = mem.take(sum_entry * groups);
        } else {
          p.entry = str_entry;
          p.pitch = round_up(static_cast<uint64_t>(t.width) * str_entry, mb);
          p.plane = p.pitch * t.height;
          p.addr = mem.take(p.plane * groups);
        }
        break;
      }
    }
  }

  // Per layer: weights (entries in og-major order, so a job's groups are contiguous), thresholds.
  std::vector<uint64_t>& wgt_addr = prog.layer_weights;
  std::vector<uint64_t>& thr_addr = prog.layer_thresholds;
  wgt_addr.assign(net.layers.size(), 0);
  thr_addr.assign(net.layers.size(), 0);
  uint64_t& emb_addr = prog.tables_addr;
  prog.weights_addr = mem.used();
  for (size_t l = 0; l < net.layers.size(); ++l) {
    const Layer& layer = net.layers[l];
    if (!layer.is_conv()) {
      emb_addr = mem.take(static_cast<uint64_t>(cfg.embed_colours) * hw_spec::kEmbEntries * hw_spec::kEmbEntryBytes);
      continue;
    }
    const uint64_t groups = static_cast<uint64_t>((layer.weights.out_channels() + cfg.pe_out - 1) / cfg.pe_out);
    wgt_addr[l] = mem.take(groups * job_taps(prog, net, layer) * layer.weights.in_blocks() * wgt_entry);
    if (layer.out_act >= 0) thr_addr[l] = mem.take(groups * thr_entry);
  }
  prog.weights_bytes = mem.used() - prog.weights_addr;

  // Jobs.
  const TileBudget base_budget = half_budget(cfg);
  TileBudget budget = base_budget;
  budget.max_rows = options.max_rows;
  HalfTracker act_half, wgt_half, img_half;
  int res_half = 1, out_half = 1, sum_half = 1;
  std::vector<RowWriters> writers(net.tensors.size());
  for (size_t id = 0; id < net.tensors.size(); ++id)
    writers[id].assign(static_cast<size_t>(net.tensors[id].height), -1);
  // The last job whose stores a row range depends on.
  auto last_writer = [&](int tensor, int y0, int rows) {
    int last = -1;
    for (int y = y0; y < y0 + rows; ++y) last = std::max(last, writers[tensor][static_cast<size_t>(y)]);
    return last;
  };
  bool tables_loaded = false;
  prog.layers.resize(net.layers.size());

  for (size_t l = 0; l < net.layers.size(); ++l) {
    const Layer& layer = net.layers[l];
    const TensorInfo& in = net.tensor(layer.input);
    prog.layers[l].first = static_cast<int>(prog.jobs.size());
    // Planning reads only the input's shape.
    const ActTensor input_shape(in.channels, in.height, in.width);
    const std::vector<JobPlan> plan = plan_layer(cfg, {layer.name, &layer, &input_shape, nullptr}, budget);
    for (const JobPlan& j : plan) {
      const int index = static_cast<int>(prog.jobs.size());
      JobDescriptor d = j.desc;
      d.layer = l;
      int wait = -1;  // last job whose stores this one reads
      if (layer.is_conv()) {
        const int og_count = j.og_count;
        // Inputs: the activation tile (reused by the next job on the same rows).
        bool load = false;
        // The same first row is not the same tile: at the top edge, row tiles 0 and 1 of a 3x3
        // stride-1 conv both start at input row 0 but hold 2 and 3 rows.
        const int ah = act_half.use(fmt::format("{}:{}:{}", layer.input, j.in_y0, j.in_rows), load);
        d.act_base = static_cast<uint64_t>(ah * base_budget.act);
        d.ld_act = load;
        const TensorPlace& ip = prog.tensors[layer.input];
        d.act_addr = ip.addr + static_cast<uint64_t>(j.in_y0) * ip.pitch;
        d.act_pitch = ip.pitch;
        d.act_plane = ip.plane;
        if (load) wait = std::max(wait, last_writer(layer.input, j.in_y0, j.in_rows));
        // Weights and thresholds of the job's channel groups.
        const int wh = wgt_half.use(fmt::format("{}:{}:{}", l, j.og0, og_count), load);
        d.wgt_base = static_cast<uint64_t>(wh * base_budget.wgt);
        d.thr_base = static_cast<uint64_t>(wh * base_budget.thr);
        d.ld_wgt = load;
        d.ld_thr = load && layer.out_act >= 0;
        const uint64_t group_entries = static_cast<uint64_t>(job_taps(prog, net, layer)) * layer.weights.in_blocks();
        d.wgt_addr = wgt_addr[l] + static_cast<uint64_t>(j.og0) * group_entries * wgt_entry;
        d.wgt_entries = static_cast<uint64_t>(og_count) * group_entries;
        d.thr_addr = thr_addr[l] + static_cast<uint64_t>(j.og0) * thr_entry;
        // The residual tile.
        if (layer.residual >= 0) {
          res_half = 1 - res_half;
          d.res_base = static_cast<uint64_t>(res_half * base_budget.str);
          d.ld_res = 1;
          const TensorPlace& rp = prog.tensors[layer.residual];
          d.res_addr = rp.addr + static_cast<uint64_t>(j.og0) * rp.plane + static_cast<uint64_t>(j.out_y0) * rp.pitch;
          d.res_pitch = rp.pitch;
          d.res_plane = rp.plane;
          wait = std::max(wait, last_writer(layer.residual, j.out_y0, j.out_rows));
        }
        // Outputs, into the other half than the job before (its stores may still run).
        out_half = 1 - out_half;
        d.oact_base = static_cast<uint64_t>(out_half * base_budget.out);
        d.ostr_base = static_cast<uint64_t>(out_half * base_budget.str);
        if (layer.out_act >= 0) {
          const TensorPlace& op = prog.tensors[layer.out_act];
          const uint64_t block0 = static_cast<uint64_t>(j.og0) * cfg.pe_out / hw_spec::kLanes;
          d.st_act = 1;
          d.oact_addr = op.addr + block0 * op.plane + static_cast<uint64_t>(j.out_y0) * op.pitch;
          d.oact_pitch = op.pitch;
          d.oact_plane = op.plane;
          d.oact_blocks = static_cast<uint64_t>(j.blocks);
        }
        if (layer.out_int >= 0) {
          const TensorPlace& sp = prog.tensors[layer.out_int];
          d.st_str = 1;
          d.ostr_addr = sp.addr + static_cast<uint64_t>(j.og0) * sp.plane + static_cast<uint64_t>(j.out_y0) * sp.pitch;
          d.ostr_pitch = sp.pitch;
          d.ostr_plane = sp.plane;
        }
        if (layer.out_sum >= 0) {
          // Sums of a channel range add up over its row tiles in one half of the sum buffer.
          if (j.out_y0 == 0) sum_half = 1 - sum_half;
          d.sum_base = static_cast<uint64_t>(sum_half * base_budget.sum);
          d.st_sum = j.read_sums;
          d.sum_addr = prog.tensors[layer.out_sum].addr + static_cast<uint64_t>(j.og0) * sum_entry;
        }
        for (int id : {layer.out_act, layer.out_int}) {
          if (id < 0) continue;
          for (int y = j.out_y0; y < j.out_y0 + j.out_rows; ++y) writers[id][static_cast<size_t>(y)] = index;
        }
      } else {
        // The pixel embedding: the image tile in, 64-lane words out (one block).
        bool load = false;
        img_half.use(fmt::format("img:{}", j.out_y0), load);
        d.img_base = static_cast<uint64_t>(img_half.half * base_budget.img);
        d.ld_img = 1;
        d.img_addr = prog.image_addr + static_cast<uint64_t>(j.out_y0) * prog.image_pitch;
        d.img_pitch = prog.image_pitch;
        d.ld_emb = !tables_loaded;
        d.emb_addr = emb_addr;
        tables_loaded = true;
        out_half = 1 - out_half;
        d.oact_base = static_cast<uint64_t>(out_half * base_budget.out);
        const TensorPlace& op = prog.tensors[layer.out_act];
        d.st_act = 1;
        d.oact_addr = op.addr + static_cast<uint64_t>(j.out_y0) * op.pitch;
        d.oact_pitch = op.pitch;
        d.oact_plane = op.plane;
        d.oact_blocks = 1;
        d.og0 = 0;
        d.og_count = static_cast<uint64_t>(hw_spec::kLanes / cfg.pe_out);  // all 64 lanes
        for (int y = j.out_y0; y < j.out_y0 + j.out_rows; ++y) writers[layer.out_act][static_cast<size_t>(y)] = index;
      }
      if (prog.paired && (layer.is_conv() ? layer.input == embedded : true)) {
        // Pixel pairs: rows of paired words; the conv steps one word per output column.
        const int words = paired_words(in.width);
        d.paired = 1;
        d.in_width = static_cast<uint64_t>(words);
        if (layer.is_conv()) {
          const uint64_t row_stride = static_cast<uint64_t>((words + cfg.banks() - 1) / cfg.banks());
          d.act_row_stride = row_stride;
          d.act_block_stride = static_cast<uint64_t>(j.in_rows) * row_stride;
          d.act_row0_offset = static_cast<int64_t>(j.out_y0 * 2 - 1 - j.in_y0) * static_cast<int64_t>(row_stride);
        } else {
          d.img_width = static_cast<uint64_t>(in.width);  // for the pair at the right edge
          d.out_width = static_cast<uint64_t>(words);
          d.out_pgs = static_cast<uint64_t>((words + cfg.pe_pix - 1) / cfg.pe_pix);
        }
      }
      // Loads may start once the jobs whose outputs they read have stored them: stored >= wait + 1.
      d.wait_stored = static_cast<uint64_t>(wait + 1);
      prog.jobs.push_back(d);
    }
    prog.layers[l].count = static_cast<int>(prog.jobs.size()) - prog.layers[l].first;
    // A later layer's tile on the same rows is different data.
    act_half.clobber();
  }

  prog.descriptor_bytes = round_up(static_cast<uint64_t>(JobDescriptor::kWords) * hw_spec::kDescWordBytes, mb);
  prog.program_addr = mem.take(prog.descriptor_bytes * prog.jobs.size());
  prog.memory_bytes = mem.used();
  return prog;
}

void write_model(Memory& memory, const Program& prog, const Network& net, const HwConfig& cfg) {
  memory.resize(prog.memory_bytes);
  for (size_t i = 0; i < prog.jobs.size(); ++i) {
    const auto words = prog.jobs[i].pack();
    memory.write(prog.program_addr + i * prog.descriptor_bytes, words.data(), words.size() * hw_spec::kDescWordBytes);
  }
  const uint64_t wgt_entry = static_cast<uint64_t>(cfg.weight_entry_bytes());
  const uint64_t thr_entry = static_cast<uint64_t>(cfg.threshold_entry_bytes());
  for (size_t l = 0; l < net.layers.size(); ++l) {
    const Layer& layer = net.layers[l];
    const bool paired = job_taps(prog, net, layer) == 6;
    if (!layer.is_conv()) {
      for (int colour = 0; colour < cfg.embed_colours; ++colour) {
        for (int value = 0; value < hw_spec::kEmbEntries; ++value) {
          uint32_t entry = 0;
          for (int j = 0; j < cfg.embed_per_colour; ++j) {
            entry |= uint32_t{layer.table[static_cast<size_t>(colour * cfg.embed_per_colour + j)][value]} << (2 * j);
          }
          memory.write(prog.tables_addr +
                           (static_cast<uint64_t>(colour) * hw_spec::kEmbEntries + value) * hw_spec::kEmbEntryBytes,
                       &entry, hw_spec::kEmbEntryBytes);
        }
      }
      continue;
    }
    const int groups = (layer.weights.out_channels() + cfg.pe_out - 1) / cfg.pe_out;
    uint64_t addr = prog.layer_weights[l];
    for (int og = 0; og < groups; ++og) {
      for (int t = 0; t < job_taps(prog, net, layer); ++t) {
        for (int b = 0; b < layer.weights.in_blocks(); ++b) {
          const std::vector<uint64_t> entry = paired ? paired_weight_entry(cfg, layer.weights, og, t / 2, t % 2)
                                                     : weight_entry(cfg, layer.weights, og, t, b);
          memory.write(addr, entry.data(), entry.size() * 8);
          addr += wgt_entry;
        }
      }
    }
    if (layer.out_act >= 0) {
      for (int og = 0; og < groups; ++og) {
        const std::vector<uint64_t> entry = threshold_entry(cfg, layer.quantizers, og);
        memory.write(prog.layer_thresholds[l] + static_cast<uint64_t>(og) * thr_entry, entry.data(),
                     std::min<uint64_t>(entry.size() * 8, thr_entry));
      }
    }
  }
}

void write_image(Memory& memory, const Program& prog, const Network& net, const ActTensor& image) {
  const TensorInfo& in = net.tensor(net.input);
  if (!image.same_shape(in.channels, in.height, in.width)) {
    fail("image is {}x{}x{}, {} expects {}x{}x{}", image.channels(), image.height(), image.width(), net.name,
         in.channels, in.height, in.width);
  }
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      uint32_t pixel = 0;
      for (int c = 0; c < image.channels(); ++c) pixel |= uint32_t{image.at(c, y, x)} << (8 * c);
      const uint64_t column = static_cast<uint64_t>(x + (prog.paired ? 1 : 0));
      memory.write(prog.image_addr + static_cast<uint64_t>(y) * prog.image_pitch + column * hw_spec::kPixelBytes,
                   &pixel, hw_spec::kPixelBytes);
    }
  }
}

GoldenResult read_tensors(const Memory& memory, const Program& prog, const Network& net, const HwConfig& cfg) {
  GoldenResult r;
  r.act.resize(net.tensors.size());
  r.ints.resize(net.tensors.size());
  const int sw = cfg.stream_width;
  for (size_t id = 0; id < net.tensors.size(); ++id) {
    const TensorInfo& t = net.tensors[id];
    const TensorPlace& p = prog.tensors[id];
    if (t.kind == TensorKind::kAct) {
      ActTensor a(t.channels, t.height, t.width);
      for (int b = 0; b < blocks_for(t.channels); ++b) {
        for (int y = 0; y < t.height; ++y) {
          for (int x = 0; x < t.width; ++x) {
            uint64_t planes[2];
            // A pair word w holds pixel 2w - 1 in its lower half and 2w in its upper half.
            const int word = p.paired ? (x + 1) / 2 : x;
            const int first_lane = p.paired && x % 2 == 0 ? hw_spec::kLanes / 2 : 0;
            memory.read(p.addr + b * p.plane + y * p.pitch + static_cast<uint64_t>(word) * p.entry, planes,
                        hw_spec::kActWordBytes);
            for (int lane = 0; lane < hw_spec::kLanes && 64 * b + lane < t.channels; ++lane) {
              const int bit = first_lane + lane;
              if (bit >= hw_spec::kLanes) break;
              a.at(64 * b + lane, y, x) =
                  static_cast<uint8_t>(((planes[0] >> bit) & 1) | (((planes[1] >> bit) & 1) << 1));
            }
          }
        }
      }
      r.act[id] = std::move(a);
    } else if (t.kind == TensorKind::kInt) {
      IntTensor v(t.channels, t.height, t.width);
      const bool sums = p.pitch == 0;
      const int bits = sums ? hw_spec::kSumW : sw;
      std::vector<uint8_t> entry(p.entry);
      for (int g = 0; g * cfg.pe_out < t.channels; ++g) {
        for (int y = 0; y < t.height; ++y) {
          for (int x = 0; x < t.width; ++x) {
            const uint64_t addr = sums ? p.addr + g * p.entry : p.addr + g * p.plane + y * p.pitch + x * p.entry;
            memory.read(addr, entry.data(), entry.size());
            for (int o = 0; o < cfg.pe_out && g * cfg.pe_out + o < t.channels; ++o) {
              uint64_t raw = 0;
              for (int i = 0; i < bits; ++i) {
                const int bit = o * bits + i;
                raw |= uint64_t{(entry[static_cast<size_t>(bit / 8)] >> (bit % 8)) & 1u} << i;
              }
              const uint64_t sign = uint64_t{1} << (bits - 1);
              v.at(g * cfg.pe_out + o, y, x) = static_cast<int32_t>(static_cast<int64_t>((raw ^ sign) - sign));
            }
          }
        }
      }
      r.ints[id] = std::move(v);
    }
  }
  const IntTensor& sums = r.ints[net.output];
  r.class_sums = sums.data();
  return r;
}

}  // namespace ernsim
