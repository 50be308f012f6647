#include "tools/cli/layer_outputs.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace ernsim::cli {

namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string xml_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out;
}

// 1, 2 or 5 times a power of ten, so that `max` spans about five steps.
double axis_step(double max) {
  const double raw = std::max(max, 1.0) / 5;
  const double p = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (raw <= m * p) return m * p;
  }
  return 10 * p;
}

}  // namespace

std::string layer_csv(const std::vector<LayerRunReport>& layers, const std::vector<LayerColumn>& extra) {
  std::string csv = "index,name,jobs,cycles,compute_cycles,load_stall_cycles,store_stall_cycles,bytes_read,"
                    "bytes_written,macs,utilization";
  for (const LayerColumn& c : extra) csv += "," + c.first;
  csv += "\n";
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerRunReport& l = layers[i];
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{:.6f}", l.index, csv_field(l.name), l.jobs, l.cycles,
                       l.compute_cycles, l.load_stall_cycles, l.store_stall_cycles, l.bytes_read, l.bytes_written,
                       l.macs, l.utilization);
    for (const LayerColumn& c : extra) csv += fmt::format(",{:g}", c.second.at(i));
    csv += "\n";
  }
  return csv;
}

std::string layer_plot_svg(const std::vector<LayerRunReport>& layers, const std::string& title) {
  const double n = static_cast<double>(std::max<size_t>(layers.size(), 1));
  const double bar = std::clamp(900.0 / n, 6.0, 40.0);  // 109 layers: 8 px each
  constexpr double kLeft = 80, kRight = 70, kTop = 60, kPlot = 360, kBottom = 110;
  const double width = kLeft + kRight + bar * n, height = kTop + kPlot + kBottom;
  uint64_t max_cycles = 1;
  for (const LayerRunReport& l : layers) {
    max_cycles = std::max({max_cycles, l.cycles, l.compute_cycles + l.load_stall_cycles + l.store_stall_cycles});
  }
  const double step = axis_step(static_cast<double>(max_cycles));
  const double top = std::ceil(static_cast<double>(max_cycles) / step) * step;
  const auto y = [&](double cycles) { return kTop + kPlot - cycles / top * kPlot; };
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"22\" font-size=\"15\">{3}</text>\n",
      width, height, kLeft, xml_text(title));
  const char* const kColours[] = {"#1f77b4", "#ff7f0e", "#d62728"};
  const char* const kParts[] = {"compute", "load stall", "store stall"};
  for (int i = 0; i < 3; ++i) {
    s += fmt::format("<rect x=\"{}\" y=\"32\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"41\">{}</text>\n",
                     kLeft + 110 * i, kColours[i], kLeft + 110 * i + 14, kParts[i]);
  }
  s += fmt::format("<line x1=\"{0}\" y1=\"37\" x2=\"{1}\" y2=\"37\" stroke=\"black\" stroke-width=\"1.5\"/>"
                   "<text x=\"{2}\" y=\"41\">PE utilization (right axis)</text>\n",
                   kLeft + 330, kLeft + 350, kLeft + 354);
  for (double v = 0; v <= top + 1e-9; v += step) {
    s += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/>"
                     "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:g}</text>\n",
                     kLeft, y(v), width - kRight, kLeft - 6, y(v) + 4, v);
  }
  for (int pct = 0; pct <= 100; pct += 20) {
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}%</text>\n", width - kRight + 6,
                     kTop + kPlot - pct / 100.0 * kPlot + 4, pct);
  }
  s += fmt::format("<text x=\"18\" y=\"{0:.0f}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {0:.0f})\">cycles"
                   "</text>\n", kTop + kPlot / 2);
  // Every k-th layer is labelled so that labels (11 px high, rotated) never overlap.
  const size_t label_every = static_cast<size_t>(std::ceil(12.0 / bar));
  std::string utilization;
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerRunReport& l = layers[i];
    const double x = kLeft + bar * static_cast<double>(i);
    const double parts[] = {static_cast<double>(l.compute_cycles), static_cast<double>(l.load_stall_cycles),
                            static_cast<double>(l.store_stall_cycles)};
    double base = 0;
    for (int p = 0; p < 3; ++p) {
      if (parts[p] <= 0) continue;
      s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{} {}: "
                       "{:.0f} {} cycles</title></rect>\n",
                       x + 0.5, y(base + parts[p]), std::max(bar - 1, 1.0), y(base) - y(base + parts[p]), kColours[p],
                       l.index, xml_text(l.name), parts[p], kParts[p]);
      base += parts[p];
    }
    utilization += fmt::format("{:.1f},{:.1f} ", x + bar / 2, kTop + kPlot - l.utilization * kPlot);
    if (i % label_every == 0) {
      const double lx = x + bar / 2 + 4, ly = kTop + kPlot + 8;
      s += fmt::format("<text x=\"{0:.1f}\" y=\"{1:.1f}\" text-anchor=\"end\" font-size=\"10\" "
                       "transform=\"rotate(-60 {0:.1f} {1:.1f})\">{2} {3}</text>\n",
                       lx, ly, l.index, xml_text(l.name.size() > 18 ? l.name.substr(0, 17) + "~" : l.name));
    }
  }
  if (!layers.empty()) {
    s += "<polyline fill=\"none\" stroke=\"black\" stroke-width=\"1.5\" points=\"" + utilization + "\"/>\n";
  }
  s += "</svg>\n";
  return s;
}

}  // namespace ernsim::cli
