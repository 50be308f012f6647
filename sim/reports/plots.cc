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
    s += fmt::format(
        "<rect x=\"{}\" y=\"32\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"41\">{}</text>\n",
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
                   "</text>\n",
                   kTop + kPlot / 2);
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

namespace {

struct Box {
  double x = 0, y = 0, w = 0, h = 0;
  bool intersects(const Box& o) const { return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h; }
};

// A label's box at font size 10: sans-serif digits and letters average about 0.6 of the size.
constexpr double kLabelFont = 10, kLabelCharWidth = 6.2, kLabelHeight = 13;

// Places each label near its point without overlapping another label, a point or the plot's
// edges: candidates around the point at growing distances (further ones get a leader line), the
// first free one taken (or, when none is free, the label left out: the point keeps its tooltip).
struct PlacedLabel {
  Box box;
  double px = 0, py = 0;  // the point it names
  bool leader = false;
  std::string text;
};
std::vector<PlacedLabel> place_labels(const std::vector<std::pair<Box, std::string>>& anchors,  // point box, text
                                      const std::vector<Box>& obstacles, const Box& area) {
  std::vector<PlacedLabel> placed;
  std::vector<Box> taken = obstacles;
  for (const auto& [point, text] : anchors) {
    const double w = kLabelCharWidth * static_cast<double>(text.size()) + 4, h = kLabelHeight;
    const double px = point.x + point.w / 2, py = point.y + point.h / 2;
    PlacedLabel best;
    bool found = false;
    for (int ring = 0; ring < 12 && !found; ++ring) {
      const double d = 6 + ring * 12;
      // Right, left, above, below and the four diagonals, at distance d.
      const double candidates[][2] = {{px + d, py - h - d / 2}, {px - d - w, py - h - d / 2}, {px + d, py + d / 2},
                                      {px - d - w, py + d / 2}, {px - w / 2, py - d - h},     {px - w / 2, py + d},
                                      {px + d, py - h / 2},     {px - d - w, py - h / 2}};
      for (const auto& c : candidates) {
        const Box b{c[0], c[1], w, h};
        if (b.x < area.x || b.y < area.y || b.x + b.w > area.x + area.w || b.y + b.h > area.y + area.h) continue;
        if (std::any_of(taken.begin(), taken.end(), [&](const Box& t) { return t.intersects(b); })) continue;
        best = {b, px, py, ring > 0, text};
        found = true;
        break;
      }
    }
    if (!found) continue;  // no free place in the plot: the point keeps its tooltip only
    taken.push_back(best.box);
    placed.push_back(best);
  }
  return placed;
}

}  // namespace

std::string sweep_plot_svg(const std::vector<SweepPoint>& points, const SweepPlotOptions& o) {
  constexpr double kW = 860, kH = 540, kLeft = 80, kRight = 190, kTop = 50, kBottom = 60;
  double max_lut = o.paper_lut, max_fps = o.paper_fps;
  for (const SweepPoint& p : points) {
    if (!p.fits) continue;
    max_lut = std::max(max_lut, p.resources.lut);
    max_fps = std::max(max_fps, p.fps);
  }
  if (o.device) max_lut = std::max(max_lut, o.device->budget.lut);
  const double x_step = axis_step(max_lut * 1.05, 6), y_step = axis_step(max_fps * 1.05, 6);
  const double x_max = std::ceil(max_lut * 1.05 / x_step) * x_step, y_max = std::ceil(max_fps * 1.05 / y_step) * y_step;
  auto x = [&](double lut) { return kLeft + lut / x_max * (kW - kLeft - kRight); };
  auto y = [&](double fps) { return kH - kBottom - fps / y_max * (kH - kTop - kBottom); };
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"28\" font-size=\"15\">{3}</text>\n",
      kW, kH, kLeft, xml_escape(o.title));
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
                   "</text>\n",
                   (kTop + kH - kBottom) / 2, (kTop + kH - kBottom) / 2);
  // The device's LUT budget: a vertical line; the configurations over any of its budgets are faded.
  if (o.device) {
    s +=
        fmt::format("<line class=\"device-budget\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#555\" "
                    "stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>"
                    "<text x=\"{3:.1f}\" y=\"{4}\" font-size=\"10\" text-anchor=\"end\">{5} LUT budget</text>\n",
                    x(o.device->budget.lut), kTop, kH - kBottom, x(o.device->budget.lut) - 3, kTop + 10,
                    xml_escape(o.device->name));
  }
  // The Pareto front, then every point (coloured by pixels per cycle), labelled on the front.
  std::vector<const SweepPoint*> front;
  for (const SweepPoint& p : points) {
    if (p.fits && p.pareto) front.push_back(&p);
  }
  std::sort(front.begin(), front.end(),
            [](const SweepPoint* a, const SweepPoint* b) { return a->resources.lut < b->resources.lut; });
  if (front.size() > 1) {
    s += "<polyline fill=\"none\" stroke=\"#c33\" stroke-width=\"1.5\" points=\"";
    for (const SweepPoint* p : front) s += fmt::format("{:.1f},{:.1f} ", x(p->resources.lut), y(p->fps));
    s += "\"/>\n";
  }
  const char* colours[] = {"#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"};
  std::vector<Box> obstacles;
  bool any_extrapolated = false, any_over = false;
  for (const SweepPoint& p : points) {
    if (!p.fits) continue;
    const char* colour = colours[static_cast<size_t>(std::log2(p.pe_pix)) % 6];
    const double cx = x(p.resources.lut), cy = y(p.fps);
    obstacles.push_back({cx - 5, cy - 5, 10, 10});
    std::string tip = fmt::format("{}: {:.1f} FPS, {:.0f} LUT", p.config_name, p.fps, p.resources.lut);
    if (!p.extrapolated.empty()) tip += "; resources extrapolated: " + p.extrapolated;
    if (!p.fits_device) tip += "; over the device's budget";
    s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"{}><title>{}</title></circle>\n", cx, cy,
                     colour, p.fits_device ? "" : " fill-opacity=\"0.25\" class=\"over-device\"", xml_escape(tip));
    // Extrapolated: a dashed ring, so that the colour still says the pixels.
    if (!p.extrapolated.empty()) {
      s += fmt::format(
          "<circle class=\"extrapolated\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"7\" fill=\"none\" stroke=\"black\" "
          "stroke-dasharray=\"2 2\"/>\n",
          cx, cy);
      obstacles.back() = {cx - 8, cy - 8, 16, 16};
      any_extrapolated = true;
    }
    any_over = any_over || !p.fits_device;
  }
  if (o.paper_lut > 0) {
    const double cx = x(o.paper_lut), cy = y(o.paper_fps);
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"9\" height=\"9\" fill=\"black\"/>\n", cx - 4.5, cy - 4.5);
    obstacles.push_back({cx - 5, cy - 5, 10, 10});
  }
  // Labels: the Pareto points' configurations and the paper's point, none overlapping.
  std::vector<std::pair<Box, std::string>> anchors;
  if (o.paper_lut > 0) anchors.push_back({{x(o.paper_lut) - 5, y(o.paper_fps) - 5, 10, 10}, o.paper_label});
  for (const SweepPoint* p : front) {
    anchors.push_back({{x(p->resources.lut) - 4, y(p->fps) - 4, 8, 8},
                       fmt::format("{}x{} {}B {:g}B/c", p->pe_out, p->pe_pix, p->mem_bytes, p->bandwidth)});
  }
  const Box area{kLeft + 2, kTop, kW - kRight - kLeft - 2, kH - kBottom - kTop};
  for (const PlacedLabel& l : place_labels(anchors, obstacles, area)) {
    s += "<g class=\"label\">";
    if (l.leader) {
      const double lx = std::clamp(l.px, l.box.x, l.box.x + l.box.w), ly = std::clamp(l.py, l.box.y, l.box.y + l.box.h);
      s += fmt::format(
          "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#999\" stroke-width=\"0.7\"/>", l.px,
          l.py, lx, ly);
    }
    s += fmt::format(
        "<rect class=\"label-box\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"white\" "
        "fill-opacity=\"0.8\"/><text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{:g}\">{}</text></g>\n",
        l.box.x, l.box.y, l.box.w, l.box.h, l.box.x + 2, l.box.y + l.box.h - 3, kLabelFont, xml_escape(l.text));
  }
  // Legend, right of the plot: colours by pixels per cycle, the front, the marks.
  const double lx = kW - kRight + 16;
  double ly = kTop + 10;
  for (int pix = 1, i = 0; i < 6; pix *= 2, ++i) {
    bool used = false;
    for (const SweepPoint& p : points) used = used || (p.fits && p.pe_pix == pix);
    if (!used) continue;
    s += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">PePix {}</text>\n",
                     lx + 6, ly, colours[i], lx + 16, ly + 4, pix);
    ly += 18;
  }
  s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#c33\" stroke-width=\"1.5\"/>"
                   "<text x=\"{}\" y=\"{}\">Pareto front</text>\n",
                   lx, ly, lx + 12, ly, lx + 16, ly + 4);
  ly += 18;
  if (o.paper_lut > 0) {
    s +=
        fmt::format("<rect x=\"{}\" y=\"{}\" width=\"9\" height=\"9\" fill=\"black\"/><text x=\"{}\" y=\"{}\">the paper"
                    "</text>\n",
                    lx + 1.5, ly - 4.5, lx + 16, ly + 4);
    ly += 18;
  }
  if (any_extrapolated) {
    s += fmt::format("<circle class=\"legend-extrapolated\" cx=\"{}\" cy=\"{}\" r=\"7\" fill=\"none\" stroke=\"black\" "
                     "stroke-dasharray=\"2 2\"/><text x=\"{}\" y=\"{}\">LUTs extrapolated</text>"
                     "<text x=\"{}\" y=\"{}\" font-size=\"10\">(outside the calibration)</text>\n",
                     lx + 6, ly, lx + 16, ly + 4, lx + 16, ly + 17);
    ly += 32;
  }
  if (o.device) {
    s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#555\" stroke-dasharray=\"4 2\"/>"
                     "<text x=\"{3}\" y=\"{4}\">{5} LUTs</text>\n",
                     lx + 6, ly - 7, ly + 7, lx + 16, ly + 4, xml_escape(o.device->name));
    ly += 18;
    if (any_over) {
      s += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#1f77b4\" fill-opacity=\"0.25\"/>"
                       "<text x=\"{}\" y=\"{}\">over {}</text>\n",
                       lx + 6, ly, lx + 16, ly + 4, xml_escape(o.device->name));
    }
  }
  s += "</svg>\n";
  return s;
}

}  // namespace ernsim
