#include "sim/regress/item.h"

namespace ernsim {

namespace {

std::string quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,") ==
                          std::string::npos) {
    return arg;
  }
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

const char* status_name(Status s) {
  return s == Status::kPassed ? "passed" : s == Status::kFailed ? "failed" : "skipped";
}

const char* failure_kind_name(FailureKind k) {
  return k == FailureKind::kMismatch  ? "mismatch"
         : k == FailureKind::kTimeout ? "timeout"
         : k == FailureKind::kCrash   ? "crash"
                                      : "error";
}

std::string command_line(const std::vector<std::string>& args) {
  std::string line = "ernsim";
  for (const std::string& a : args) line += " " + quote(a);
  return line;
}

}  // namespace ernsim
