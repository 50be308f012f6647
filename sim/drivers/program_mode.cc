#include "sim/drivers/program_mode.h"

#include <tuple>

#include <fmt/format.h>

#include "models/kernels/class_sum.h"

namespace ernsim {

std::string stream_overflow_error(const HwConfig& config, const Network& net, size_t image, uint64_t count, int layer) {
  return fmt::format("image {}: {} residual-stream values do not fit the configured {}-bit stream (first in layer {}, "
                     "{}); use a wider stream_width (StreamW)",
                     image, count, config.stream_width, layer, net.layers.at(static_cast<size_t>(layer)).name);
}

StreamOverflows golden_stream_overflows(const HwConfig& config, const Network& net, const GoldenResult& golden) {
  const int64_t limit = int64_t{1} << (config.stream_width - 1);
  StreamOverflows r;
  for (size_t l = 0; l < net.layers.size(); ++l) {
    const int id = net.layers[l].out_int;
    if (id < 0) continue;
    for (const int32_t v : golden.ints.at(static_cast<size_t>(id)).data()) {
      if (v >= -limit && v < limit) continue;
      ++r.count;
      if (r.first_layer < 0) r.first_layer = static_cast<int>(l);
    }
  }
  return r;
}

NetworkRunReport run_network(AccelPort& accel, const HwConfig& config, const Network& net, const Program& program,
                             const std::vector<ActTensor>& images, const std::vector<GoldenResult>& golden,
                             Scoreboard& scoreboard) {
  NetworkRunReport report;
  for (size_t i = 0; i < images.size(); ++i) {
    write_image(accel.memory(), program, net, images[i]);
    accel.reg_write(AccelReg::kProgAddr, static_cast<uint32_t>(program.program_addr));
    accel.reg_write(AccelReg::kJobCount, static_cast<uint32_t>(program.jobs.size()));
    accel.run_program();
    const std::vector<std::pair<uint64_t, uint64_t>> spans = accel.layer_spans();
    report.total_cycles = accel.reg_read(AccelReg::kCycles);

    const uint32_t overflows = accel.reg_read(AccelReg::kOverflows);
    const uint32_t errors = accel.reg_read(AccelReg::kErrFlags);
    report.overflows += overflows;
    if (overflows > 0) {
      const int layer = static_cast<int>(accel.reg_read(AccelReg::kOverflowLayer));
      scoreboard.add_error(stream_overflow_error(config, net, i, overflows, layer));
    }
    if (errors & 1) scoreboard.add_error(fmt::format("image {}: the engine read outside an input tile", i));
    if (errors & 6) scoreboard.add_error(fmt::format("image {}: a memory transfer was not aligned to the port", i));

    report.layers.clear();
    const GoldenResult got = read_tensors(accel.memory(), program, net, config);
    for (size_t l = 0; l < net.layers.size(); ++l) {
      const Layer& layer = net.layers[l];
      LayerRunReport r;
      r.index = static_cast<int>(l);
      r.name = layer.name;
      if (l < spans.size()) std::tie(r.start_cycle, r.end_cycle) = spans[l];
      r.jobs = program.layers[l].count;
      accel.reg_write(AccelReg::kLayerSel, static_cast<uint32_t>(l));
      // The counter RAM answers for the new layer one cycle after the select.
      accel.reg_read(AccelReg::kLayerSel);
      r.cycles = accel.reg_read(AccelReg::kCntCycles);
      r.compute_cycles = accel.reg_read(AccelReg::kCntCompute);
      r.load_stall_cycles = accel.reg_read(AccelReg::kCntLoadStall);
      r.store_stall_cycles = accel.reg_read(AccelReg::kCntStoreStall);
      r.bytes_read = accel.reg_read(AccelReg::kCntBytesRead);
      r.bytes_written = accel.reg_read(AccelReg::kCntBytesWritten);
      r.macs = net.layer_macs(layer);
      r.utilization = config.utilization(r.macs, r.cycles);
      const std::string name = images.size() > 1 ? fmt::format("{} (image {})", layer.name, i) : layer.name;
      for (int id : layer.outputs()) {
        const TensorInfo& t = net.tensor(id);
        const char* what = id == layer.out_act ? "act" : id == layer.out_int ? "stream" : "sums";
        r.mismatches += t.kind == TensorKind::kAct ? scoreboard.compare(name, what, golden[i].act[id], got.act[id])
                                                   : scoreboard.compare(name, what, golden[i].ints[id], got.ints[id]);
      }
      report.layers.push_back(r);
    }
    report.logits.push_back(class_logits(got.ints[net.output], net.tensor(net.output).scale));
  }
  return report;
}

}  // namespace ernsim
