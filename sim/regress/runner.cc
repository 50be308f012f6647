#include "sim/regress/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "models/golden.h"
#include "models/output_file.h"
#include "models/zoo.h"
#include "sim/drivers/program_mode.h"
#include "sim/hw_config.h"
#include "sim/progress.h"
#include "sim/regress/baseline.h"

namespace ernsim {

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_interrupted = 0;  // Ctrl-C: stop the workers (their own process groups)
void on_interrupt(int) { g_interrupted = 1; }

// A running child: ernsim with `args`, stdout and stderr into `log`.
struct Child {
  pid_t pid = -1;
  size_t item = 0;
  Clock::time_point start;
  std::string log;
  std::string report;
};

pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  static char self[] = "ernsim";
  argv.push_back(self);
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) fail("cannot start a worker process: {}", std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);  // its own group, so that a timeout kills everything it started
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here, so that a kill right after the fork finds the group
  return pid;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Why a child failed, in one line: its first error line, or its FAILED summary with the first
// mismatching element (the row under the scoreboard's table header), else its last line.
std::string failure_reason(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::string error, summary, first_mismatch;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.find(": FAILED") != std::string::npos) {
      summary = line;
    } else if (error.empty() && line.find("error:") != std::string::npos) {
      error = line;
    } else if (first_mismatch.empty() && line.find(" mismatches in ") != std::string::npos && i + 2 < lines.size()) {
      // "layer tensor channel y x expected got", its column padding squeezed.
      std::istringstream row(lines[i + 2]);
      for (std::string word; row >> word;) first_mismatch += (first_mismatch.empty() ? "" : " ") + word;
    }
  }
  if (!error.empty()) return error;
  if (!summary.empty()) return first_mismatch.empty() ? summary : summary + "; first: " + first_mismatch;
  return lines.empty() ? "" : lines.back();
}

// A stream-overflow item passes only when its run fails for exactly the overflow the golden model
// predicts: exit code 1, the one error naming the count and the layer, and mismatches only in the
// overflowing values of that layer's stream (they wrap). Returns "" or what differed.
std::string overflow_difference(const Item& item, int wait_status, bool timed_out, const std::string& report_path) {
  const HwConfig config = load_hw_config(item.config);
  const OverflowNetwork o = make_overflow_network(item.first_seed);
  const GoldenResult golden = run_golden(o.net, zoo_images(1, o.size, item.first_seed).front());
  const StreamOverflows expected = golden_stream_overflows(config, o.net, golden);
  if (expected.count == 0) {
    return fmt::format("the golden model predicts no overflow of the {}-bit stream of configuration {}: the item "
                       "cannot test the check there",
                       config.stream_width, config.name);
  }
  const std::string error = stream_overflow_error(config, o.net, 0, expected.count, expected.first_layer);
  if (timed_out || !WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != kExitFailed) {
    return fmt::format("expected exit code 1 with \"{}\"; got {}", error,
                       timed_out                ? "a timeout"
                       : WIFEXITED(wait_status) ? fmt::format("exit code {}", WEXITSTATUS(wait_status))
                                                : "a signal");
  }
  try {
    const nlohmann::json report = nlohmann::json::parse(read_file(report_path));
    const auto errors = report.at("errors").get<std::vector<std::string>>();
    if (errors != std::vector<std::string>{error}) {
      std::string got;
      for (const std::string& e : errors) got += (got.empty() ? "" : " | ") + e;
      return fmt::format("expected exactly the error \"{}\"; got \"{}\"", error, got);
    }
    for (const nlohmann::json& l : report.at("layers")) {
      const int index = l.at("index").get<int>();
      const int64_t want = index == expected.first_layer ? static_cast<int64_t>(expected.count) : 0;
      if (l.at("mismatches").get<int64_t>() != want) {
        return fmt::format("layer {} ({}): {} mismatches, expected {} (the wrapped stream values only)", index,
                           l.at("name").get<std::string>(), l.at("mismatches").get<int64_t>(), want);
      }
    }
  } catch (const std::exception& e) {
    return fmt::format("no usable run report ({})", e.what());
  }
  return "";
}

// What failed, from the child's exit and report.
void judge(Item& item, int wait_status, bool timed_out, double timeout, const std::string& report_path) {
  if (item.kind == "stream-overflow") {
    const std::string difference = overflow_difference(item, wait_status, timed_out, report_path);
    item.status = difference.empty() ? Status::kPassed : Status::kFailed;
    if (!difference.empty()) {
      Failure f;
      f.what = difference;
      f.repro_args = item.args;
      f.repro = command_line(item.args);
      item.failures.push_back(std::move(f));
    }
    return;
  }
  if (!timed_out && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) {
    item.status = Status::kPassed;
    return;
  }
  item.status = Status::kFailed;
  std::string why = timed_out                  ? fmt::format("timed out after {:g} s", timeout)
                    : WIFSIGNALED(wait_status) ? fmt::format("killed by signal {} ({})", WTERMSIG(wait_status),
                                                             strsignal(WTERMSIG(wait_status)))
                                               : fmt::format("exit code {}", WEXITSTATUS(wait_status));
  if (item.kind == "random-layers" && !timed_out && WIFEXITED(wait_status)) {
    // The batch's report names the failing layers; each gets its own one-layer command.
    try {
      const nlohmann::json report = nlohmann::json::parse(read_file(report_path));
      for (const nlohmann::json& c : report.at("cases")) {
        if (c.at("passed").get<bool>()) continue;
        Failure f;
        f.seed = c.at("seed").get<uint64_t>();
        std::string detail;
        for (const auto& e : c.at("errors")) detail += "; " + e.get<std::string>();
        f.what = fmt::format("layer seed {} ({}): {} mismatches{}", f.seed, c.at("description").get<std::string>(),
                             c.at("mismatches").get<int64_t>(), detail);
        f.repro_args = {"regress-layers", "--count", "1", "--seed", std::to_string(f.seed), "--config", item.config};
        f.repro = command_line(f.repro_args);
        item.failures.push_back(std::move(f));
      }
    } catch (const std::exception&) {
      // No usable report (the batch died early): the batch's own command reproduces it.
    }
    if (!item.failures.empty()) return;
  }
  Failure f;
  f.kind = timed_out                                                           ? FailureKind::kTimeout
           : WIFSIGNALED(wait_status)                                          ? FailureKind::kCrash
           : WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == kExitFailed ? FailureKind::kMismatch
                                                                               : FailureKind::kError;
  const std::string reason = failure_reason(item.output);
  f.what = reason.empty() ? why : fmt::format("{}: {}", why, reason);
  f.repro_args = item.args;
  f.repro = command_line(item.args);
  item.failures.push_back(std::move(f));
}

// The RTL's cycles of a fixture or zoo item that passed, from its run's report.
void read_cycles(Item& item, const std::string& report_path) {
  try {
    const nlohmann::json report = nlohmann::json::parse(read_file(report_path));
    item.total_cycles = report.at("total_cycles").get<uint64_t>();
    for (const nlohmann::json& l : report.at("layers")) {
      item.layer_cycles.push_back(
          {l.at("index").get<int>(), l.at("name").get<std::string>(), l.at("cycles").get<uint64_t>()});
    }
  } catch (const std::exception& e) {
    item.status = Status::kFailed;
    item.failures.push_back({FailureKind::kError,
                             fmt::format("passed but wrote no usable report of its cycles ({})", e.what()),
                             command_line(item.args), item.args, 0});
  }
}

}  // namespace

double run_items(std::vector<Item>& items, int jobs, double timeout) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  char temp_template[] = "/tmp/ernsim-regress-XXXXXX";
  if (!mkdtemp(temp_template)) fail("cannot create a temporary directory: {}", std::strerror(errno));
  const std::string temp = temp_template;
  const auto start = Clock::now();
  Progress progress(items.size(), true);
  std::vector<Child> running;
  size_t next = 0, done = 0;
  int passed = 0, failed = 0, skipped = 0;
  auto report_done = [&](Item& item) {
    ++done;
    if (item.status == Status::kPassed) ++passed;
    if (item.status == Status::kSkipped) ++skipped;
    if (item.status == Status::kFailed) {
      ++failed;
      std::string text = fmt::format("FAIL {} ({:.1f} s)\n", item.id, item.seconds);
      for (const Failure& f : item.failures) text += fmt::format("  {}\n  reproduce: {}\n", f.what, f.repro);
      progress.message(text);
    }
  };
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  while (done < items.size()) {
    if (g_interrupted) {
      for (const Child& c : running) {
        kill(-c.pid, SIGKILL);
        waitpid(c.pid, nullptr, 0);
      }
      std::filesystem::remove_all(temp);
      progress.finish();
      fail("interrupted after {} of {} items ({} failed)", done, items.size(), failed);
    }
    while (running.size() < static_cast<size_t>(jobs) && next < items.size()) {
      Item& item = items[next];
      if (!item.skip_reason.empty()) {
        item.status = Status::kSkipped;
        report_done(item);
        ++next;
        continue;
      }
      Child c;
      c.item = next++;
      c.log = fmt::format("{}/{}.log", temp, c.item);
      std::vector<std::string> args = item.args;
      if (item.kind == "random-layers" || item.kind == "stream-overflow" || has_baseline_cycles(item)) {
        c.report = fmt::format("{}/{}.json", temp, c.item);
        args.insert(args.end(), {"--report", c.report});
      }
      c.start = Clock::now();
      c.pid = spawn(args, c.log);
      running.push_back(c);
    }
    progress.update(done,
                    fmt::format("  pass {}  fail {}  skip {}  running {}", passed, failed, skipped, running.size()));
    if (running.empty()) continue;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (size_t r = 0; r < running.size();) {
      Child& c = running[r];
      Item& item = items[c.item];
      int status = 0;
      const double elapsed = std::chrono::duration<double>(Clock::now() - c.start).count();
      pid_t got = waitpid(c.pid, &status, WNOHANG);
      bool timed_out = false;
      if (got == 0 && elapsed > timeout) {
        kill(-c.pid, SIGKILL);
        kill(c.pid, SIGKILL);
        waitpid(c.pid, &status, 0);
        timed_out = true;
        got = c.pid;
      }
      if (got != c.pid) {
        ++r;
        continue;
      }
      item.seconds = elapsed;
      item.output = read_file(c.log);
      judge(item, status, timed_out, timeout, c.report);
      if (item.status == Status::kPassed && has_baseline_cycles(item)) read_cycles(item, c.report);
      report_done(item);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(r));
    }
  }
  progress.update(done, fmt::format("  pass {}  fail {}  skip {}  running 0", passed, failed, skipped));
  progress.finish();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  std::filesystem::remove_all(temp);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void keep_failure(const std::string& dir, const Item& item, const Failure& f) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail("--keep-failing {}: cannot create the directory ({})", dir, ec.message());
  std::string notes = fmt::format("{}\n{}\nreproduce: {}\n", item.id, f.what, f.repro);
  auto rerun = [&](std::vector<std::string> args, const std::string& log) {
    const pid_t pid = spawn(args, dir + "/" + log);
    int status = 0;
    waitpid(pid, &status, 0);
    notes += fmt::format("ran: {}  (log: {}, exit {})\n", command_line(args), log,
                         WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  };
  if (item.kind == "random-layers") {
    std::vector<std::string> args = f.repro_args;
    args.insert(args.end(), {"--save-case", dir, "--report", dir + "/report.json", "--trace", dir + "/layer.fst"});
    rerun(args, "output.txt");
  } else {
    std::vector<std::string> args = f.repro_args;
    args.insert(args.end(), {"--save-inputs", dir + "/inputs", "--report", dir + "/report.json"});
    rerun(args, "output.txt");
    int first_bad = -1;
    try {
      const nlohmann::json report = nlohmann::json::parse(read_file(dir + "/report.json"));
      for (const nlohmann::json& l : report.at("layers")) {
        if (l.at("mismatches").get<int64_t>() > 0) {
          first_bad = l.at("index").get<int>();
          break;
        }
      }
    } catch (const std::exception&) {
      notes += "no report was written (the run stopped early): no layer to trace\n";
    }
    if (first_bad >= 0) {
      std::vector<std::string> trace_args = f.repro_args;
      trace_args.insert(trace_args.end(), {"--trace", fmt::format("{}/layer{}.fst", dir, first_bad), "--trace-layer",
                                           std::to_string(first_bad)});
      rerun(trace_args, "trace_output.txt");
      notes += fmt::format("first mismatching layer: {} (waveform layer{}.fst)\n", first_bad, first_bad);
    } else {
      notes += "no layer mismatched (the failure is not a data mismatch): no waveform\n";
    }
  }
  write_text_file(dir + "/README.txt", notes, "--keep-failing");
}

}  // namespace ernsim
