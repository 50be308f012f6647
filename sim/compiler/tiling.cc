#include "sim/compiler/tiling.h"

#include <algorithm>

#include "models/error.h"

namespace ernsim {

namespace {

int ceil_div(int a, int b) { return (a + b - 1) / b; }

// 64-lane output blocks that output-channel groups [og0, og0 + count) touch.
int output_blocks(const HwConfig& cfg, int og0, int count) {
  return ((og0 + count) * cfg.pe_out - 1) / hw_spec::kLanes - og0 * cfg.pe_out / hw_spec::kLanes + 1;
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
    fail("layer {}: one channel group needs {} weight entries, configuration {} holds {}", lc.name, s.taps * s.blocks,
         cfg.name, budget.wgt);
  }
  // Output rows per job for a channel-group count: what every buffer allows.
  auto rows_for = [&](int ogs) {
    int rows = std::min(s.out_h, act_out_rows);
    if (budget.max_rows > 0) rows = std::min(rows, budget.max_rows);
    // A misaligned group range may touch one 64-lane block more than its size needs.
    const int blocks = (ogs * cfg.pe_out + hw_spec::kLanes - 1) / hw_spec::kLanes + (cfg.pe_out < hw_spec::kLanes);
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
    fail("layer {}: {} colours to {} channels, the engine embeds {} colours to {} x {}", lc.name, lc.input->channels(),
         channels, cfg.embed_colours, cfg.embed_colours, cfg.embed_per_colour);
  }
  for (int c = 0; c < channels; ++c) {
    if (l.source_channel[c] != c / cfg.embed_per_colour) {
      fail("layer {}: channel {} reads colour {}, the engine's layout needs colour {}", lc.name, c, l.source_channel[c],
           c / cfg.embed_per_colour);
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

}  // namespace

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

}  // namespace ernsim
