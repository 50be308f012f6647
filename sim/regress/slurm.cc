#include "sim/regress/slurm.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "models/input_file.h"
#include "models/output_file.h"
#include "sim/progress.h"

namespace ernsim {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxCommandOutput = size_t{1} << 20;
constexpr uintmax_t kMaxSummaryBytes = uintmax_t{256} << 20;

// The batch scripts are constant: everything variable reaches them as arguments ("$@"), so no user
// input ever becomes shell text. Task I of the array runs shard I of N.
constexpr const char* kShardScript =
    "#!/bin/sh\n"
    "# One shard of an ernsim regression (written by `ernsim regress --slurm`): array task I runs\n"
    "# shard I of N and writes its JUnit and JSON reports into DIR. Arguments: DIR N ERNSIM ARGS...\n"
    "dir=$1\n"
    "shards=$2\n"
    "shift 2\n"
    "i=$SLURM_ARRAY_TASK_ID\n"
    "exec \"$@\" --shard \"$i/$shards\" --junit \"$dir/shard-$i.xml\" --report \"$dir/shard-$i.json\"\n";
constexpr const char* kMergeScript =
    "#!/bin/sh\n"
    "# Merges the shards of an ernsim regression (written by `ernsim regress --slurm`).\n"
    "exec \"$@\"\n";

volatile std::sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

struct ProgramResult {
  int status = -1;     // exit code; -1 when it could not run or was killed
  std::string output;  // stdout and stderr
};

// Runs a program found on PATH with exactly these arguments; its output is bounded and it is killed
// after `timeout` seconds.
ProgramResult run_program(const std::vector<std::string>& args, double timeout) {
  int fds[2];
  if (pipe(fds) != 0) fail("cannot create a pipe: {}", std::strerror(errno));
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) fail("cannot start {}: {}", args[0], std::strerror(errno));
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    execvp(argv[0], argv.data());
    fmt::print(stderr, "cannot run {}: {}\n", args[0], std::strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  ProgramResult r;
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout);
  bool killed = false;
  for (;;) {
    pollfd p{fds[0], POLLIN, 0};
    const int left =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) {
      kill(pid, SIGKILL);
      killed = true;
      break;
    }
    if (poll(&p, 1, left) < 0 && errno != EINTR) break;
    char buffer[4096];
    const ssize_t n = (p.revents & (POLLIN | POLLHUP)) ? read(fds[0], buffer, sizeof buffer) : 0;
    if (n == 0 && (p.revents & (POLLIN | POLLHUP))) break;
    if (n > 0 && r.output.size() < kMaxCommandOutput) r.output.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.status = !killed && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (killed) r.output += fmt::format("(killed after {:g} s)", timeout);
  return r;
}

std::string first_line(const std::string& text) {
  const std::string line = text.substr(0, text.find('\n'));
  return line.empty() ? "(no output)" : line;
}

// "12345" or "12345;cluster" from sbatch --parsable.
std::string submit(const std::vector<std::string>& args, const std::string& what) {
  const ProgramResult r = run_program(args, 120);
  std::smatch m;
  const std::string out = r.output.substr(0, r.output.find('\n'));
  if (r.status != 0 || !std::regex_match(out, m, std::regex(R"(([0-9]+)(;.*)?)"))) {
    fail("--slurm: sbatch did not submit the {}: {}", what,
         r.status == 127 ? "sbatch not found" : first_line(r.output));
  }
  return m[1].str();
}

void cancel(const std::vector<std::string>& jobs) {
  std::vector<std::string> args = {"scancel"};
  args.insert(args.end(), jobs.begin(), jobs.end());
  run_program(args, 60);
}

// State of each job and array task ("12_3", "13") that squeue still knows: "PENDING", "RUNNING", ...
// Empty when squeue fails (the jobs have been purged, or the controller does not answer).
std::map<std::string, std::string> queue_states(const std::string& array_job, const std::string& merge_job,
                                                bool& answered) {
  const ProgramResult r = run_program(
      {"squeue", "--noheader", "--array", "--states=all", "--jobs", array_job + "," + merge_job, "--format=%i|%T"}, 60);
  std::map<std::string, std::string> states;
  answered = r.status == 0;
  if (!answered) return states;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    const size_t bar = line.find('|');
    if (bar != std::string::npos) states[line.substr(0, bar)] = line.substr(bar + 1);
  }
  return states;
}

// The merge job's final state from accounting, once squeue has forgotten it ("" without accounting).
std::string accounted_state(const std::string& job) {
  const ProgramResult r =
      run_program({"sacct", "--noheader", "--parsable2", "--allocations", "--jobs", job, "--format=State"}, 60);
  return r.status == 0 ? first_line(r.output) : "";
}

bool finished_state(const std::string& state) {
  return state != "PENDING" && state != "RUNNING" && state != "CONFIGURING" && state != "COMPLETING" &&
         state != "SUSPENDED" && state != "REQUEUED" && state != "RESIZING" && state != "SIGNALING" &&
         state != "STAGE_OUT";
}

std::string elapsed_text(Clock::time_point start) {
  const int s = static_cast<int>(std::chrono::duration<double>(Clock::now() - start).count());
  return fmt::format("{}m{:02}s", s / 60, s % 60);
}

}  // namespace

void check_slurm_partition(const std::string& partition) {
  if (!std::regex_match(partition, std::regex("[A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64}){0,15}"))) {
    fail("--partition {}: expected a partition name (letters, digits, '_', '.', '-'; a comma-separated list)",
         partition);
  }
}

void check_slurm_time_limit(const std::string& limit) {
  // sbatch's forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S; at most a year.
  std::smatch m;
  if (!std::regex_match(limit, m,
                        std::regex(R"((?:([0-9]{1,3})-)?([0-9]{1,6})(?::([0-9]{1,2}))?(?::([0-9]{1,2}))?)"))) {
    fail("--time {}: expected minutes, M:S, H:M:S, D-H, D-H:M or D-H:M:S", limit);
  }
  const bool with_days = m[1].matched;
  const long days = with_days ? std::stol(m[1]) : 0, first = std::stol(m[2]);
  const long second = m[3].matched ? std::stol(m[3]) : 0, third = m[4].matched ? std::stol(m[4]) : 0;
  const bool in_range =
      second < 60 && third < 60 && (with_days ? days <= 365 && first < 24 : first <= (m[4].matched ? 8784 : 525600));
  if (!in_range) fail("--time {}: out of range (at most a year; minutes and seconds below 60)", limit);
  if (days + first + second + third == 0) fail("--time {}: expected a positive limit", limit);
}

std::string shard_report_path(const std::string& dir, int shard) { return fmt::format("{}/shard-{}.json", dir, shard); }
std::string shard_log_path(const std::string& dir, int shard) { return fmt::format("{}/shard-{}.log", dir, shard); }

int run_on_slurm(const SlurmRun& run) {
  const std::string shard_script = run.dir + "/shard.sh", merge_script = run.dir + "/merge.sh";
  write_text_file(shard_script, kShardScript, "--slurm-dir");
  write_text_file(merge_script, kMergeScript, "--slurm-dir");
  std::vector<std::string> common = {"sbatch", "--parsable", "--job-name", run.job_name};
  if (!run.partition.empty()) common.insert(common.end(), {"--partition", run.partition});
  if (!run.time_limit.empty()) common.insert(common.end(), {"--time", run.time_limit});

  std::vector<std::string> array = common;
  array.insert(array.end(),
               {"--array", fmt::format("1-{}", run.shards), "--cpus-per-task", std::to_string(run.cpus_per_task),
                "--output", run.dir + "/shard-%a.log", shard_script, run.dir, std::to_string(run.shards)});
  array.insert(array.end(), run.shard_command.begin(), run.shard_command.end());
  const std::string array_job = submit(array, "job array");

  std::vector<std::string> merge = common;
  merge.insert(merge.end(), {"--dependency", "afterany:" + array_job, "--kill-on-invalid-dep=no", "--cpus-per-task",
                             "1", "--output", run.dir + "/merge.log", merge_script});
  merge.insert(merge.end(), run.merge_command.begin(), run.merge_command.end());
  std::string merge_job;
  try {
    merge_job = submit(merge, "merge job");
  } catch (const Error&) {
    cancel({array_job});
    throw;
  }
  fmt::print("submitted job array {} ({} shards, {} CPUs each) and merge job {}; files in {}\n", array_job, run.shards,
             run.cpus_per_task, merge_job, run.dir);
  std::fflush(stdout);

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  const auto start = Clock::now();
  std::string last_line, merge_state = "PENDING";
  int unanswered = 0;
  for (;;) {
    if (g_interrupted) {
      cancel({array_job, merge_job});
      fail("interrupted: cancelled job array {} and merge job {} (files in {})", array_job, merge_job, run.dir);
    }
    bool answered = false;
    const std::map<std::string, std::string> states = queue_states(array_job, merge_job, answered);
    int pending = 0, running = 0, reports = 0;
    for (const auto& [id, state] : states) {
      if (id.rfind(array_job + "_", 0) != 0) continue;
      pending += state == "PENDING";
      running += !finished_state(state) && state != "PENDING";
    }
    for (int i = 1; i <= run.shards; ++i) reports += std::filesystem::exists(shard_report_path(run.dir, i));
    const auto merge_entry = states.find(merge_job);
    if (merge_entry != states.end()) {
      merge_state = merge_entry->second;
    } else if (!answered && ++unanswered < 3) {
      merge_state = "UNKNOWN";  // the controller may be busy: ask again
    } else {
      const std::string accounted = accounted_state(merge_job);
      merge_state = accounted.empty() ? "ENDED" : accounted;
    }
    if (answered) unanswered = 0;
    const std::string line = fmt::format("slurm: shards {} pending, {} running, {} of {} reported; merge job {} {}",
                                         pending, running, reports, run.shards, merge_job, merge_state);
    if (line != last_line) {
      fmt::print(stderr, "{}  [{}]\n", line, elapsed_text(start));
      last_line = line;
    }
    if (merge_state != "UNKNOWN" && finished_state(merge_state)) break;
    const auto wake = Clock::now() + std::chrono::duration<double>(run.poll_seconds);
    while (Clock::now() < wake && !g_interrupted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  const std::string log_path = run.dir + "/merge.log", summary_path = run.dir + "/summary.json";
  if (std::filesystem::exists(log_path)) {
    fmt::print("\n{}", read_text_file(log_path, "merge log", kMaxSummaryBytes));
  }
  if (!std::filesystem::exists(summary_path)) {
    fail_check("--slurm: merge job {} ended ({}) without writing {} (its log: {})", merge_job, merge_state,
               summary_path, log_path);
  }
  nlohmann::json summary;
  try {
    summary = nlohmann::json::parse(read_text_file(summary_path, "merged summary", kMaxSummaryBytes));
    (void)summary.at("failed").get<int>();
  } catch (const nlohmann::json::exception& e) {
    fail_check("--slurm: {} is not a summary ({})", summary_path, e.what());
  }
  fmt::print("merged: {}/merged.xml (JUnit), {} (summary) in {}\n", run.dir, summary_path, elapsed_text(start));
  return summary.at("failed").get<int>() ? kExitFailed : kExitSuccess;
}

void load_shard_reports(std::vector<Item>& items, const std::string& dir, int shards) {
  constexpr uintmax_t kMaxReportBytes = uintmax_t{256} << 20;
  for (int shard = 1; shard <= shards; ++shard) {
    const std::string path = shard_report_path(dir, shard);
    std::map<std::string, const nlohmann::json*> reported;
    nlohmann::json report;
    std::string problem;
    try {
      namespace fs = std::filesystem;
      if (!fs::exists(path)) throw std::runtime_error("it wrote no report");
      report = nlohmann::json::parse(read_text_file(path, "--merge-shards", kMaxReportBytes));
      if (report.at("shard") != nlohmann::json{shard, shards})
        throw std::runtime_error("its report is of another shard");
      for (const nlohmann::json& i : report.at("items")) reported[i.at("id").get<std::string>()] = &i;
    } catch (const std::exception& e) {
      problem = e.what();
    }
    auto fail_item = [&](Item& item, const std::string& why) {
      item.status = Status::kFailed;
      item.failures.push_back({FailureKind::kError,
                               fmt::format("shard {} of {}: {} (the Slurm task was cancelled, timed out or crashed; "
                                           "its log: {})",
                                           shard, shards, why, shard_log_path(dir, shard)),
                               command_line(item.args), item.args, 0});
    };
    if (!problem.empty()) fmt::print("shard {} of {}: {} ({})\n", shard, shards, problem, shard_log_path(dir, shard));
    for (size_t i = static_cast<size_t>(shard - 1); i < items.size(); i += static_cast<size_t>(shards)) {
      Item& item = items[i];
      if (!problem.empty()) {
        fail_item(item, problem);
        continue;
      }
      const auto found = reported.find(item.id);
      if (found == reported.end()) {
        fail_item(item, "its report does not have this item");
        continue;
      }
      try {
        const nlohmann::json& r = *found->second;
        const std::string status = r.at("status").get<std::string>();
        item.status = status == "passed" ? Status::kPassed : status == "failed" ? Status::kFailed : Status::kSkipped;
        item.seconds = r.at("seconds").get<double>();
        for (const nlohmann::json& f : r.at("failures")) {
          const std::string kind = f.value("kind", "mismatch");
          const FailureKind k = kind == "timeout" ? FailureKind::kTimeout
                                : kind == "crash" ? FailureKind::kCrash
                                : kind == "error" ? FailureKind::kError
                                                  : FailureKind::kMismatch;
          item.failures.push_back({k, f.at("what").get<std::string>(), f.at("reproduce").get<std::string>(), {}, 0});
        }
        if (item.status == Status::kFailed && item.failures.empty()) {
          item.failures.push_back({FailureKind::kError, "failed", command_line(item.args), item.args, 0});
        }
        if (r.contains("total_cycles")) {
          item.total_cycles = r.at("total_cycles").get<uint64_t>();
          for (const nlohmann::json& l : r.at("layers")) {
            item.layer_cycles.push_back(
                {l.at("index").get<int>(), l.at("name").get<std::string>(), l.at("cycles").get<uint64_t>()});
          }
        }
      } catch (const std::exception& e) {
        item.failures.clear();
        fail_item(item, fmt::format("its report of this item is unreadable ({})", e.what()));
      }
    }
  }
}

}  // namespace ernsim
