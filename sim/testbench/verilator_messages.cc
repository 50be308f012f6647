#include "sim/testbench/verilator_messages.h"

#include <verilated.h>

#include <cstdarg>
#include <cstdio>
#include <regex>
#include <utility>

namespace ernsim {
namespace {

AssertionHandler g_handler;
bool g_last_was_assertion = false;  // Verilator follows each failure with a "$stop" line

}  // namespace

std::optional<AssertionFailure> parse_assertion_failure(const std::string& line) {
  static const std::regex kLine(R"(^(?:\[[^\]]*\] )?%Error: (.+?:\d+): Assertion failed in (\S+): ?(.*?)\n?$)");
  std::smatch m;
  if (!std::regex_match(line, m, kLine)) return std::nullopt;
  AssertionFailure f;
  f.location = m[1];
  std::string path = m[2];
  if (path.rfind("TOP.", 0) == 0) path = path.substr(4);
  // The path ends with the assertion's label, inside the checker instance the bind added (u_sva).
  const size_t dot = path.rfind('.');
  f.label = dot == std::string::npos ? path : path.substr(dot + 1);
  f.scope = dot == std::string::npos ? std::string() : path.substr(0, dot);
  const std::string checker = ".u_sva";
  if (f.scope.size() > checker.size() &&
      f.scope.compare(f.scope.size() - checker.size(), checker.size(), checker) == 0) {
    f.scope.resize(f.scope.size() - checker.size());
  }
  f.message = m[3];
  return f;
}

void set_assertion_handler(AssertionHandler handler) {
  g_handler = std::move(handler);
  g_last_was_assertion = false;
  Verilated::threadContextp()->fatalOnError(!g_handler);
}

}  // namespace ernsim

int ernsim_verilator_printf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int size = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string text(size > 0 ? static_cast<size_t>(size) : 0, '\0');
  if (size > 0) std::vsnprintf(text.data(), text.size() + 1, format, args);
  va_end(args);
  using namespace ernsim;
  if (g_handler) {
    if (const auto failure = parse_assertion_failure(text)) {
      g_last_was_assertion = true;
      g_handler(*failure);
      return size;
    }
    static const std::regex kError(R"(^(?:\[[^\]]*\] )?%Error)");
    const bool error_line = std::regex_search(text, kError);
    const bool stop_line = error_line && text.find("Verilog $stop") != std::string::npos;
    const bool after_assertion = g_last_was_assertion;
    g_last_was_assertion = false;
    if (stop_line && after_assertion) return size;  // the $stop that follows each failed assertion
    if (error_line) {
      // Any other error (one this parser does not know, a $stop of the RTL) must not let the run go on
      // as if nothing happened: with fatalOnError(false) Verilator would only note it.
      AssertionFailure unknown;
      unknown.message = text.substr(0, text.find_last_not_of('\n') + 1);
      g_handler(unknown);
      return size;
    }
  }
  std::fputs(text.c_str(), stdout);
  return size;
}
