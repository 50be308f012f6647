// Errors that ernsim reports to the user: one line, naming the problem; the CLI prints the message
// and exits with the status of its kind (ExitStatus). Programming errors stay assertions.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace ernsim {

// ernsim's exit statuses (README.md, "Exit status"): a script can tell a wrong answer from a wrong
// command line without reading the messages.
enum ExitStatus : int {
  kExitSuccess = 0,
  kExitFailed = 1,    // the work ran and a check failed: mismatch, hang, overflow, failed regress item
  kExitUsage = 2,     // usage or input error: bad option, unreadable or invalid file, refused config
  kExitInternal = 3,  // a bug in ernsim (or out of memory)
};

// A usage or input error (kExitUsage).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The simulated hardware or the model did something wrong while running (kExitFailed): a watchdog
// hang, a memory fault, a value that does not fit the stream.
class CheckFailure : public Error {
 public:
  using Error::Error;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
[[noreturn]] void fail_check(fmt::format_string<Args...> format, Args&&... args) {
  throw CheckFailure(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace ernsim
