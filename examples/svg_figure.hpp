// A minimal SVG plotting helper for the examples: a grid of panels, each with axes, nice ticks,
// histogram bars, polylines and a legend. It belongs to the examples, not to the library.
#pragma once

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace svg {

// Formats `value` with `decimals` digits after the point, whatever the locale; never "-0.00".
inline std::string fixed(double value, int decimals) {
  char buffer[512];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  if (result.ec != std::errc()) throw std::runtime_error("svg::fixed: number too long");
  std::string text(buffer, result.ptr);
  const bool negative_zero =
      text.front() == '-' && text.find_first_not_of("-0.") == std::string::npos;
  return negative_zero ? text.substr(1) : text;
}

inline std::string escape_xml(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&apos;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

// Number of characters (code points) of a UTF-8 string.
inline std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

struct Box {
  double x = 0, y = 0, width = 0, height = 0;
  double right() const { return x + width; }
  double bottom() const { return y + height; }
  bool contains(double px, double py) const {
    return px >= x && px <= right() && py >= y && py <= bottom();
  }
  bool intersects(const Box& other) const {
    return x < other.right() && other.x < right() && y < other.bottom() && other.y < bottom();
  }
};

// A closed interval of data values; starts empty and grows with `include`.
struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();

  void include(double value) {
    if (!std::isfinite(value)) return;
    lo = std::min(lo, value);
    hi = std::max(hi, value);
  }
  void include(const std::vector<double>& values) {
    for (const double value : values) include(value);
  }
  double span() const { return hi - lo; }
  // A non-degenerate copy: an empty range becomes [0, 1], a single point gets width 1.
  Range widened() const {
    if (lo > hi) return {0.0, 1.0};
    if (span() == 0) return {lo - 0.5, hi + 0.5};
    return *this;
  }
  Range padded(double below, double above) const {
    const Range range = widened();
    return {range.lo - below * range.span(), range.hi + above * range.span()};
  }
};

struct Ticks {
  std::vector<double> values;
  int decimals = 0;
};

// About `target` ticks inside `range` with a step of 1, 2 or 5 times a power of ten.
inline Ticks nice_ticks(const Range& range, int target = 5) {
  const double raw_step = range.span() / target;
  int exponent = static_cast<int>(std::floor(std::log10(raw_step)));
  const double fraction = raw_step / std::pow(10.0, exponent);
  int mantissa = fraction < 1.5 ? 1 : fraction < 3.0 ? 2 : fraction < 7.0 ? 5 : 10;
  if (mantissa == 10) {
    mantissa = 1;
    ++exponent;
  }
  const double step = mantissa * std::pow(10.0, exponent);
  Ticks ticks;
  ticks.decimals = std::max(0, -exponent);
  const auto first = static_cast<long>(std::ceil(range.lo / step - 1e-9));
  const auto last = static_cast<long>(std::floor(range.hi / step + 1e-9));
  for (long k = first; k <= last; ++k) ticks.values.push_back(k * step);
  return ticks;
}

// A tick label with a typographic minus sign (U+2212).
inline std::string tick_label(double value, int decimals) {
  const std::string text = fixed(value, decimals);
  return text.front() == '-' ? "\u2212" + text.substr(1) : text;
}

struct BarStyle {
  std::string colour;
  double opacity = 0.35;
};

struct LineStyle {
  std::string colour;
  double width = 2.0;
};

struct LegendEntry {
  std::string label;
  BarStyle bars;
  LineStyle line;
};

namespace detail {

inline std::string px(double value) {
  return fixed(value, 2);
}

inline void line(std::ostream& out, double x1, double y1, double x2, double y2,
                 std::string_view attributes) {
  out << "<line x1=\"" << px(x1) << "\" y1=\"" << px(y1) << "\" x2=\"" << px(x2) << "\" y2=\""
      << px(y2) << "\" " << attributes << "/>\n";
}

inline void rect(std::ostream& out, const Box& box, std::string_view attributes) {
  out << "<rect x=\"" << px(box.x) << "\" y=\"" << px(box.y) << "\" width=\"" << px(box.width)
      << "\" height=\"" << px(box.height) << "\" " << attributes << "/>\n";
}

inline void text(std::ostream& out, double x, double y, std::string_view content,
                 std::string_view attributes) {
  out << "<text x=\"" << px(x) << "\" y=\"" << px(y) << "\" " << attributes << ">"
      << escape_xml(content) << "</text>\n";
}

inline std::string fill(const BarStyle& style) {
  return "fill=\"" + escape_xml(style.colour) + "\" fill-opacity=\"" + fixed(style.opacity, 2) +
         "\"";
}

inline std::string stroke(const LineStyle& style) {
  return "fill=\"none\" stroke=\"" + escape_xml(style.colour) + "\" stroke-width=\"" +
         fixed(style.width, 2) + "\" stroke-linejoin=\"round\" stroke-linecap=\"round\"";
}

}  // namespace detail

// One plot: data is added in data coordinates; `render` maps it into a cell of the figure.
class Panel {
 public:
  void title(std::string text) { title_ = std::move(text); }
  void labels(std::string x_label, std::string y_label) {
    x_label_ = std::move(x_label);
    y_label_ = std::move(y_label);
  }
  // A histogram: `edges` has one more element than `heights`.
  void add_bars(std::vector<double> edges, std::vector<double> heights, BarStyle style) {
    if (edges.size() != heights.size() + 1) {
      throw std::invalid_argument("svg::Panel::add_bars: need one more edge than heights");
    }
    bars_.push_back({std::move(edges), std::move(heights), std::move(style)});
  }
  void add_line(std::vector<double> xs, std::vector<double> ys, LineStyle style) {
    if (xs.size() != ys.size()) {
      throw std::invalid_argument("svg::Panel::add_line: xs and ys differ in length");
    }
    lines_.push_back({std::move(xs), std::move(ys), std::move(style)});
  }
  // Shows a legend in the upper corner of the plot that hides the least data.
  void legend(std::vector<LegendEntry> entries) { legend_ = std::move(entries); }

  void render(std::ostream& out, const Box& cell) const {
    const Frame frame = make_frame(cell);
    out << "<g>\n";
    render_grid(out, frame);
    render_bars(out, frame);
    render_lines(out, frame);
    render_axes(out, frame);
    render_labels(out, frame, cell);
    render_legend(out, frame);
    out << "</g>\n";
  }

 private:
  struct Bars {
    std::vector<double> edges, heights;
    BarStyle style;
  };
  struct Line {
    std::vector<double> xs, ys;
    LineStyle style;
  };
  // The plot area in pixels, the data limits, and the mapping between them.
  struct Frame {
    Box plot;
    Range x, y;
    Ticks x_ticks, y_ticks;
    double px(double value) const { return plot.x + (value - x.lo) / x.span() * plot.width; }
    double py(double value) const {
      return plot.bottom() - (value - y.lo) / y.span() * plot.height;
    }
  };

  static constexpr double kMarginLeft = 64, kMarginRight = 16, kMarginTop = 34;
  static constexpr double kMarginBottom = 50, kTickLength = 5;
  static constexpr double kTickFont = 12, kLabelFont = 14, kTitleFont = 15, kLegendFont = 12;

  Frame make_frame(const Box& cell) const {
    Frame frame;
    frame.plot = {cell.x + kMarginLeft, cell.y + kMarginTop,
                  cell.width - kMarginLeft - kMarginRight,
                  cell.height - kMarginTop - kMarginBottom};
    Range x, y;
    y.include(0.0);
    for (const Bars& bars : bars_) {
      x.include(bars.edges);
      y.include(bars.heights);
    }
    for (const Line& line : lines_) {
      x.include(line.xs);
      y.include(line.ys);
    }
    frame.x = x.padded(0.04, 0.04);
    frame.y = y.padded(0.0, 0.05);
    frame.x_ticks = nice_ticks(frame.x);
    frame.y_ticks = nice_ticks(frame.y);
    return frame;
  }

  void render_grid(std::ostream& out, const Frame& frame) const {
    const char* style = "stroke=\"#000000\" stroke-opacity=\"0.10\" stroke-width=\"1\"";
    for (const double value : frame.x_ticks.values) {
      detail::line(out, frame.px(value), frame.plot.y, frame.px(value), frame.plot.bottom(), style);
    }
    for (const double value : frame.y_ticks.values) {
      detail::line(out, frame.plot.x, frame.py(value), frame.plot.right(), frame.py(value), style);
    }
  }

  void render_bars(std::ostream& out, const Frame& frame) const {
    for (const Bars& bars : bars_) {
      out << "<g " << detail::fill(bars.style) << ">\n";
      for (std::size_t i = 0; i < bars.heights.size(); ++i) {
        if (!(bars.heights[i] > 0) || !std::isfinite(bars.heights[i])) continue;
        detail::rect(out, bar_box(frame, bars, i), "");
      }
      out << "</g>\n";
    }
  }

  static Box bar_box(const Frame& frame, const Bars& bars, std::size_t i) {
    const double left = frame.px(bars.edges[i]), right = frame.px(bars.edges[i + 1]);
    const double top = frame.py(bars.heights[i]), base = frame.py(0.0);
    return {left, top, right - left, base - top};
  }

  void render_lines(std::ostream& out, const Frame& frame) const {
    for (const Line& line : lines_) {
      out << "<polyline " << detail::stroke(line.style) << " points=\"";
      const char* separator = "";
      for (std::size_t i = 0; i < line.xs.size(); ++i) {
        if (!std::isfinite(line.xs[i]) || !std::isfinite(line.ys[i])) continue;
        out << separator << detail::px(frame.px(line.xs[i])) << ','
            << detail::px(frame.py(line.ys[i]));
        separator = " ";
      }
      out << "\"/>\n";
    }
  }

  void render_axes(std::ostream& out, const Frame& frame) const {
    const std::string tick_font = "font-size=\"" + fixed(kTickFont, 0) + "\" ";
    const char* tick_style = "stroke=\"#000000\" stroke-width=\"1\"";
    for (const double value : frame.x_ticks.values) {
      const double x = frame.px(value), y = frame.plot.bottom();
      detail::line(out, x, y, x, y + kTickLength, tick_style);
      detail::text(out, x, y + kTickLength + kTickFont + 2,
                   tick_label(value, frame.x_ticks.decimals), tick_font + "text-anchor=\"middle\"");
    }
    for (const double value : frame.y_ticks.values) {
      const double x = frame.plot.x, y = frame.py(value);
      detail::line(out, x - kTickLength, y, x, y, tick_style);
      detail::text(out, x - kTickLength - 3, y + 0.35 * kTickFont,
                   tick_label(value, frame.y_ticks.decimals), tick_font + "text-anchor=\"end\"");
    }
    detail::rect(out, frame.plot, "fill=\"none\" stroke=\"#000000\" stroke-width=\"1\"");
  }

  void render_labels(std::ostream& out, const Frame& frame, const Box& cell) const {
    const double centre_x = frame.plot.x + frame.plot.width / 2;
    const double centre_y = frame.plot.y + frame.plot.height / 2;
    detail::text(out, centre_x, cell.y + 22, title_,
                 "font-size=\"" + fixed(kTitleFont, 0) + "\" font-weight=\"bold\" " +
                     "text-anchor=\"middle\"");
    const std::string label_font = "font-size=\"" + fixed(kLabelFont, 0) + "\" ";
    detail::text(out, centre_x, frame.plot.bottom() + 42, x_label_,
                 label_font + "text-anchor=\"middle\"");
    const double y_label_x = cell.x + 18;
    detail::text(out, y_label_x, centre_y, y_label_,
                 label_font + "text-anchor=\"middle\" transform=\"rotate(-90 " +
                     detail::px(y_label_x) + " " + detail::px(centre_y) + ")\"");
  }

  static constexpr double kLegendPadding = 8, kLegendRow = 20, kSwatchWidth = 24;
  static constexpr double kSwatchHeight = 12, kSwatchGap = 8, kLegendInset = 10;

  void render_legend(std::ostream& out, const Frame& frame) const {
    if (legend_.empty()) return;
    const Box box = legend_box(frame);
    detail::rect(out, box,
                 "fill=\"#ffffff\" fill-opacity=\"0.90\" stroke=\"#b0b0b0\" stroke-width=\"1\"");
    const double x = box.x + kLegendPadding;
    for (std::size_t i = 0; i < legend_.size(); ++i) {
      const LegendEntry& entry = legend_[i];
      const double middle = box.y + kLegendPadding + (i + 0.5) * kLegendRow;
      detail::rect(out, {x, middle - kSwatchHeight / 2, kSwatchWidth, kSwatchHeight},
                   detail::fill(entry.bars));
      detail::line(out, x, middle, x + kSwatchWidth, middle, detail::stroke(entry.line));
      detail::text(out, x + kSwatchWidth + kSwatchGap, middle + 0.35 * kLegendFont, entry.label,
                   "font-size=\"" + fixed(kLegendFont, 0) + "\"");
    }
  }

  Box legend_box(const Frame& frame) const {
    std::size_t longest = 0;
    for (const LegendEntry& entry : legend_) longest = std::max(longest, utf8_length(entry.label));
    const double width =
        2 * kLegendPadding + kSwatchWidth + kSwatchGap + 0.62 * kLegendFont * longest;
    const double height = 2 * kLegendPadding + kLegendRow * legend_.size();
    const double top = frame.plot.y + kLegendInset;
    const Box right{frame.plot.right() - kLegendInset - width, top, width, height};
    const Box left{frame.plot.x + kLegendInset, top, width, height};
    return covered_data(frame, left) < covered_data(frame, right) ? left : right;
  }

  // How many line points and bars of the plot would lie under `box`.
  int covered_data(const Frame& frame, const Box& box) const {
    int covered = 0;
    for (const Line& line : lines_) {
      for (std::size_t i = 0; i < line.xs.size(); ++i) {
        covered += box.contains(frame.px(line.xs[i]), frame.py(line.ys[i]));
      }
    }
    for (const Bars& bars : bars_) {
      for (std::size_t i = 0; i < bars.heights.size(); ++i) {
        covered += box.intersects(bar_box(frame, bars, i));
      }
    }
    return covered;
  }

  std::string title_, x_label_, y_label_;
  std::vector<Bars> bars_;
  std::vector<Line> lines_;
  std::vector<LegendEntry> legend_;
};

// A `rows` x `columns` grid of equally sized panels on a white page of `width` x `height` px.
class Figure {
 public:
  Figure(int width, int height, int rows, int columns)
      : width_(width), height_(height), rows_(rows), columns_(columns), panels_(rows * columns) {}

  Panel& panel(int row, int column) { return panels_.at(row * columns_ + column); }

  std::string render() const {
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width_ << "\" height=\""
        << height_ << "\" viewBox=\"0 0 " << width_ << ' ' << height_ << "\" "
        << "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n";
    detail::rect(out, {0, 0, double(width_), double(height_)}, "fill=\"#ffffff\"");
    const double cell_width = double(width_) / columns_, cell_height = double(height_) / rows_;
    for (int row = 0; row < rows_; ++row) {
      for (int column = 0; column < columns_; ++column) {
        const Box cell{column * cell_width, row * cell_height, cell_width, cell_height};
        panels_[row * columns_ + column].render(out, cell);
      }
    }
    out << "</svg>\n";
    return out.str();
  }

  // Writes the SVG document to `path`; throws std::runtime_error naming the path and the cause.
  void save(const std::string& path) const {
    const std::string document = render();
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) throw write_error(path);
    const bool written = std::fwrite(document.data(), 1, document.size(), file) == document.size();
    const bool closed = std::fclose(file) == 0;
    if (!written || !closed) throw write_error(path);
  }

 private:
  static std::runtime_error write_error(const std::string& path) {
    return std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
  }

  int width_, height_, rows_, columns_;
  std::vector<Panel> panels_;
};

}  // namespace svg
