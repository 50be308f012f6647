#include "sim/reports/plots.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "sim/reports/escape.h"

namespace ernsim {

namespace {

// A readable step for an axis up to `max`: 1, 2 or 5 times a power of ten, about `steps` of them.
double axis_step(double max, int steps) {
  const double raw = max / steps;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (raw <= m * p) return m * p;
  }
  return 10 * p;
}

}  // namespace

std::string layer_plot_svg(const std::vector<LayerRunReport>& layers, const std::string& title) {
  const double n = static_cast<double>(std::max<size_t>(layers.size(), 1));
  const double bar = std::clamp(900.0 / n, 6.0, 40.0);  // 109 layers: 8 px each
  constexpr double kLeft = 80, kRight = 70, kTop = 60, kPlot = 360, kBottom = 110;
  const double width = kLeft + kRight + bar * n, height = kTop + kPlot + kBottom;
  uint64_t max_cycles = 1;
  for (const LayerRunReport& l : layers) {
    max_cycles = std::max({max_cycles, l.cycles, l.compute_cycles + l.load_stall_cycles + l.store_stall_cycles});
  }
  const double step = axis_step(static_cast<double>(max_cycles), 5);
  const double top = std::ceil(static_cast<double>(max_cycles) / step) * step;
  const auto y = [&](double cycles) { return kTop + kPlot - cycles / top * kPlot; };
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"22\" font-size=\"15\">{3}</text>\n",
      width, height, kLeft, xml_escape(title));
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
                       l.index, xml_escape(l.name), parts[p], kParts[p]);
      base += parts[p];
    }
    utilization += fmt::format("{:.1f},{:.1f} ", x + bar / 2, kTop + kPlot - l.utilization * kPlot);
    if (i % label_every == 0) {
      const double lx = x + bar / 2 + 4, ly = kTop + kPlot + 8;
      s += fmt::format("<text x=\"{0:.1f}\" y=\"{1:.1f}\" text-anchor=\"end\" font-size=\"10\" "
                       "transform=\"rotate(-60 {0:.1f} {1:.1f})\">{2} {3}</text>\n",
                       lx, ly, l.index, xml_escape(l.name.size() > 18 ? l.name.substr(0, 17) + "~" : l.name));
    }
  }
  if (!layers.empty()) {
    s += "<polyline fill=\"none\" stroke=\"black\" stroke-width=\"1.5\" points=\"" + utilization + "\"/>\n";
  }
  s += "</svg>\n";
  return s;
}

std::string sweep_plot_svg(const std::vector<SweepPoint>& points, const std::string& title, double paper_lut, double paper_fps,
                     const std::string& paper_label) {
  constexpr double kW = 820, kH = 520, kLeft = 80, kRight = 30, kTop = 50, kBottom = 60;
  double max_lut = paper_lut, max_fps = paper_fps;
  for (const SweepPoint& p : points) {
    if (!p.fits) continue;
    max_lut = std::max(max_lut, p.resources.lut);
    max_fps = std::max(max_fps, p.fps);
  }
  const double x_step = axis_step(max_lut * 1.05, 6), y_step = axis_step(max_fps * 1.05, 6);
  const double x_max = std::ceil(max_lut * 1.05 / x_step) * x_step, y_max = std::ceil(max_fps * 1.05 / y_step) * y_step;
  auto x = [&](double lut) { return kLeft + lut / x_max * (kW - kLeft - kRight); };
  auto y = [&](double fps) { return kH - kBottom - fps / y_max * (kH - kTop - kBottom); };
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"28\" font-size=\"16\">{3}</text>\n",
      kW, kH, kLeft, xml_escape(title));
  for (double v = 0; v <= x_max + 1e-9; v += x_step) {
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>"
                     "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4:g}k</text>\n",
                     x(v), kTop, kH - kBottom, kH - kBottom + 18, v / 1000);
  }
  for (double v = 0; v <= y_max + 1e-9; v += y_step) {
    s += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/>"
                     "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:g}</text>\n",
                     kLeft, y(v), kW - kRight, kLeft - 8, y(v) + 4, v);
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">LUTs (estimate)</text>\n", (kLeft + kW - kRight) / 2,
                   kH - 18);
  s += fmt::format("<text x=\"20\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 20 {})\">frames per second"
                   "</text>\n", (kTop + kH - kBottom) / 2, (kTop + kH - kBottom) / 2);
  // The Pareto front, then every point (coloured by pixels per cycle), labelled on the front.
  std::vector<const SweepPoint*> front;
  for (const SweepPoint& p : points) {
    if (p.fits && p.pareto) front.push_back(&p);
  }
  std::sort(front.begin(), front.end(), [](const SweepPoint* a, const SweepPoint* b) { return a->resources.lut < b->resources.lut; });
  if (front.size() > 1) {
    s += "<polyline fill=\"none\" stroke=\"#c33\" stroke-width=\"1.5\" points=\"";
    for (const SweepPoint* p : front) s += fmt::format("{:.1f},{:.1f} ", x(p->resources.lut), y(p->fps));
    s += "\"/>\n";
  }
  const char* colours[] = {"#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"};
  for (const SweepPoint& p : points) {
    if (!p.fits) continue;
    const char* colour = colours[static_cast<size_t>(std::log2(p.pe_pix)) % 6];
    s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"><title>{}: {:.1f} FPS, {:.0f} LUT"
                     "</title></circle>\n", x(p.resources.lut), y(p.fps), colour, xml_escape(p.config_name), p.fps,
                     p.resources.lut);
    if (p.pareto) {
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\">{}x{} {}B {:g}B/c</text>\n",
                       x(p.resources.lut) + 6, y(p.fps) - 6, p.pe_out, p.pe_pix, p.mem_bytes, p.bandwidth);
    }
  }
  if (paper_lut > 0) {
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"9\" height=\"9\" fill=\"black\"/>"
                     "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">{}</text>\n",
                     x(paper_lut) - 4.5, y(paper_fps) - 4.5, x(paper_lut) + 8, y(paper_fps) + 14, xml_escape(paper_label));
  }
  // Legend: colours by pixels per cycle.
  double ly = kTop + 10;
  for (int pix = 1, i = 0; i < 6; pix *= 2, ++i) {
    bool used = false;
    for (const SweepPoint& p : points) used = used || (p.fits && p.pe_pix == pix);
    if (!used) continue;
    s += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">PePix {}</text>\n",
                     kW - kRight - 90, ly, colours[i], kW - kRight - 80, ly + 4, pix);
    ly += 16;
  }
  s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#c33\" stroke-width=\"1.5\"/>"
                   "<text x=\"{}\" y=\"{}\">Pareto front</text>\n",
                   kW - kRight - 96, ly, kW - kRight - 84, ly, kW - kRight - 80, ly + 4);
  s += "</svg>\n";
  return s;
}

}  // namespace ernsim
