// Running the ernsim binary from tests: its exit status, output and error lines, and temporary
// directories for its files.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace ernsim {

struct CommandResult {
  int status;
  std::string output;   // stdout and stderr together
  std::string errors;   // stderr alone
  std::string printed;  // stdout alone
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// ernsim's exit statuses (models/error.h), as a script sees them.
constexpr int kStatusFailed = 1;
constexpr int kStatusUsage = 2;

// Runs a command line (fixed by the test, never from input) with a time limit.
inline CommandResult run_command(const std::string& command_line, int timeout_seconds = 300) {
  char err_path[] = "/tmp/ernsim_cli_stderr_XXXXXX";
  const int fd = mkstemp(err_path);
  close(fd);
  // A hang is a failure too: timeout's status 124 (or 137 after its kill) never passes as an error.
  const std::string command = "timeout -k 5 " + std::to_string(timeout_seconds) + " " + command_line + " 2>" + err_path;
  FILE* pipe = popen(command.c_str(), "r");
  CommandResult r{-1, "", ""};
  if (pipe) {
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.output.append(buffer.data(), n);
    const int status = pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  r.errors = slurp(err_path);
  r.printed = r.output;
  r.output += r.errors;
  std::remove(err_path);
  return r;
}

// `prefix` runs ernsim under another program, such as `prlimit --fsize=N` or `setpriv ...`.
inline CommandResult run_ernsim_under(const std::string& prefix, const std::string& args, int timeout_seconds = 300) {
  return run_command(prefix + " " + std::string(ERNSIM_BINARY) + " " + args, timeout_seconds);
}

inline CommandResult run_ernsim(const std::string& args, int timeout_seconds = 300) {
  return run_ernsim_under("", args, timeout_seconds);
}

// ernsim as the unprivileged user nobody: the permission checks that root passes anyway.
const std::string kAsNobody = "setpriv --reuid=nobody --regid=nogroup --clear-groups";

inline CommandResult run_ernsim_as_nobody(const std::string& args, int timeout_seconds = 300) {
  return run_ernsim_under(kAsNobody, args, timeout_seconds);
}

// Why ernsim cannot run as nobody here (not root, no setpriv, a build nobody may not execute), or
// "" when it can.
inline const std::string& why_not_as_nobody() {
  static const std::string why = [] {
    if (getuid() != 0) return std::string("needs root to switch to the user nobody");
    const CommandResult r = run_ernsim_as_nobody("--version", 60);
    return r.status == 0 ? std::string() : "cannot run ernsim as nobody: " + r.output;
  }();
  return why;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ernsim_cli_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  // ERNSIM_KEEP_TEST_FILES=1 keeps the files, to look at what a test gave the commands.
  ~TempDir() {
    if (!std::getenv("ERNSIM_KEEP_TEST_FILES")) std::filesystem::remove_all(path_);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A temporary directory open to the user nobody, for tests of commands run as nobody; they skip
// (visibly, with the reason) where that is not possible.
class AsNobodyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!why_not_as_nobody().empty()) GTEST_SKIP() << why_not_as_nobody();
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);
  }
  TempDir dir_;
};

// The error is one line on stderr, says "error:" and names the problem; the exit status is the
// one of usage and input errors (a user's mistake is never an "internal error"). `prefix` runs
// ernsim under another program (kAsNobody).
inline void expect_error_under(const std::string& prefix, const std::string& args, const std::string& message,
                               int timeout_seconds = 300) {
  const CommandResult r = run_ernsim_under(prefix, args, timeout_seconds);
  EXPECT_EQ(r.status, kStatusUsage) << args << ": exit status " << r.status << " (a crash or hang?)";
  EXPECT_THAT(r.errors, ::testing::HasSubstr(message)) << args;
  EXPECT_THAT(r.errors, ::testing::HasSubstr("error:")) << args;
  EXPECT_THAT(r.errors, ::testing::Not(::testing::HasSubstr("internal error"))) << args;
  EXPECT_EQ(std::count(r.errors.begin(), r.errors.end(), '\n'), 1) << r.errors;
}

inline void expect_error(const std::string& args, const std::string& message, int timeout_seconds = 300) {
  expect_error_under("", args, message, timeout_seconds);
}

}  // namespace ernsim
