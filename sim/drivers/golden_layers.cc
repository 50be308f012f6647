#include "sim/drivers/golden_layers.h"

#include <fmt/format.h>

namespace ernsim {

LayerCase network_layer_case(const Network& net, int index, const GoldenResult& golden) {
  const Layer& layer = net.layers.at(index);
  LayerCase lc;
  lc.name = layer.name;
  lc.layer = &layer;
  lc.input = &golden.act.at(layer.input);
  if (layer.residual >= 0) lc.residual = &golden.ints.at(layer.residual);
  return lc;
}

int64_t score_layer(Scoreboard& scoreboard, const Network& net, int index, const GoldenResult& golden,
                    const LayerOutputs& outputs, const LayerRunStats& stats) {
  const Layer& layer = net.layers.at(index);
  int64_t n = 0;
  if (layer.out_act >= 0) n += scoreboard.compare(layer.name, "act", golden.act.at(layer.out_act), outputs.act);
  if (layer.out_int >= 0) n += scoreboard.compare(layer.name, "stream", golden.ints.at(layer.out_int), outputs.stream);
  if (layer.out_sum >= 0) n += scoreboard.compare(layer.name, "sums", golden.ints.at(layer.out_sum), outputs.sums);
  if (stats.overflows > 0) {
    scoreboard.add_error(
        fmt::format("{}: {} stream values do not fit the configured stream width", layer.name, stats.overflows));
  }
  if (stats.tile_error) scoreboard.add_error(fmt::format("{}: the engine read outside its input tile", layer.name));
  return n;
}

std::vector<LayerReport> run_network_layers(EnginePort& port, const HwConfig& config, const Network& net,
                                            const GoldenResult& golden, const std::vector<int>& layers,
                                            Scoreboard& scoreboard) {
  std::vector<LayerReport> reports;
  for (int index : layers) {
    const Layer& layer = net.layers.at(index);
    LayerReport r;
    r.index = index;
    r.name = layer.name;
    const TensorInfo& in = net.tensor(layer.input);
    const TensorInfo& out = net.tensor(layer.outputs().front());
    const int out_c = layer.is_conv() ? layer.weights.out_channels() : out.channels;
    const int out_h =
        layer.out_sum >= 0 ? conv_out_size(in.height, layer.kernel(), layer.stride, layer.pad) : out.height;
    const int out_w = layer.out_sum >= 0 ? conv_out_size(in.width, layer.kernel(), layer.stride, layer.pad) : out.width;
    r.shape = fmt::format("{}x{}x{} -> {}x{}x{}", in.channels, in.height, in.width, out_c, out_h, out_w);
    r.kind = layer.is_conv() ? fmt::format("{}x{}/s{}", layer.kernel(), layer.kernel(), layer.stride) : "embed";
    const LayerOutputs outputs = run_layer(port, config, network_layer_case(net, index, golden), r.stats);
    r.macs = net.layer_macs(layer);
    r.utilization = config.utilization(r.macs, r.stats.cycles);
    r.mismatches = score_layer(scoreboard, net, index, golden, outputs, r.stats);
    reports.push_back(r);
  }
  return reports;
}

}  // namespace ernsim
