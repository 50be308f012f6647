#include "models/checked_number.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "models/error.h"

namespace ernsim {

namespace {

[[noreturn]] void integer_fail(const std::string& what, const std::string& text, uint64_t lo, uint64_t hi) {
  fail("{} {}: expected an integer from {} to {}", what, text, lo, hi);
}

[[noreturn]] void real_fail(const std::string& what, const std::string& text, double lo, double hi) {
  fail("{} {}: expected a number from {:g} to {:g}", what, text, lo, hi);
}

}  // namespace

uint64_t parse_uint(const std::string& text, const std::string& what, uint64_t lo, uint64_t hi) {
  // Digits only: strtoull alone would accept "-1" (as 2^64 - 1), spaces and a sign.
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos) {
    integer_fail(what, text, lo, hi);
  }
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE || value < lo || value > hi) integer_fail(what, text, lo, hi);
  return value;
}

double parse_real(const std::string& text, const std::string& what, double lo, double hi) {
  // strtod also reads "inf", "nan" and hex floats; a leading space or a trailing word is refused.
  if (text.empty() || text.find_first_not_of("0123456789.eE+-") != std::string::npos) real_fail(what, text, lo, hi);
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno == ERANGE) real_fail(what, text, lo, hi);
  if (!std::isfinite(value) || value < lo || value > hi) real_fail(what, text, lo, hi);
  return value;
}

uint64_t json_uint(const nlohmann::json& value, const std::string& what, uint64_t lo, uint64_t hi) {
  if (value.is_number_unsigned()) {
    const uint64_t v = value.get<uint64_t>();  // exact, even beyond 2^53
    if (v >= lo && v <= hi) return v;
  } else if (value.is_number_float()) {
    const double v = value.get<double>();
    if (v == std::floor(v) && v >= static_cast<double>(lo) && v <= static_cast<double>(hi)) {
      return static_cast<uint64_t>(v);
    }
  }
  integer_fail(what, value.dump(), lo, hi);
}

double json_real(const nlohmann::json& value, const std::string& what, double lo, double hi) {
  if (!value.is_number()) real_fail(what, value.dump(), lo, hi);
  const double v = value.get<double>();
  if (!std::isfinite(v) || v < lo || v > hi) real_fail(what, value.dump(), lo, hi);
  return v;
}

}  // namespace ernsim
