// `ernsim regress`: an RTL regression. A suite (tests/suites/NAME.json) names fixtures, zoo models,
// batches of random layers, random whole networks and networks whose run must fail with a stream
// overflow; each becomes one item (sim/regress/suite.h), run as a child ernsim process
// (sim/regress/runner.h), J at a time, optionally one shard of N, or on Slurm (sim/regress/slurm.h).
// Every failure is printed with the one command that reproduces it; JUnit XML and a JSON report are
// written for CI. This file holds the options and what is printed.
#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "models/checked_number.h"
#include "models/closest_name.h"
#include "models/error.h"
#include "models/input_file.h"
#include "models/output_file.h"
#include "sim/progress.h"
#include "sim/regress/baseline.h"
#include "sim/regress/item.h"
#include "sim/regress/junit.h"
#include "sim/regress/runner.h"
#include "sim/regress/slurm.h"
#include "sim/regress/suite.h"
#include "sim/regress/summary.h"
#include "sim/reports/report.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"

namespace ernsim::cli {

namespace {

std::string shared_dir() {
  if (const char* env = std::getenv("ERNSIM_SHARED_DIR")) return env;
  return std::filesystem::weakly_canonical(ERNSIM_SHARED_DIR).string();
}

std::string suite_path(const std::string& suite) {
  if (suite.find('/') != std::string::npos || (suite.size() > 5 && suite.substr(suite.size() - 5) == ".json"))
    return suite;
  return std::string(ERNSIM_SOURCE_DIR) + "/tests/suites/" + suite + ".json";
}

// `ernsim regress --slurm`: the same suite and options, as a job array of shards and a merge job.
int submit_to_slurm(const po::variables_map& vm, const std::string& suite_file, const std::string& suite_name,
                    size_t item_count) {
  namespace fs = std::filesystem;
  SlurmRun run;
  run.shards = static_cast<int>(uint_option(vm, "shards", kSlurmShardsRange));
  if (static_cast<size_t>(run.shards) > item_count) {
    fail("--shards {}: the suite has {} items (at most one shard per item)", run.shards, item_count);
  }
  run.cpus_per_task = vm.count("jobs") ? static_cast<int>(uint_option(vm, "jobs", kJobsRange)) : 1;
  if (vm.count("partition")) check_slurm_partition(run.partition = vm["partition"].as<std::string>());
  if (vm.count("time")) check_slurm_time_limit(run.time_limit = vm["time"].as<std::string>());
  run.poll_seconds = real_option(vm, "poll", kPollRange);
  if (vm.count("baseline")) read_baseline(vm["baseline"].as<std::string>(), vm["update-baseline"].as<bool>());
  run.job_name = "ernsim-" + suite_name;
  std::replace_if(
      run.job_name.begin(), run.job_name.end(),
      [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_'; }, '_');

  std::string dir;
  if (vm.count("slurm-dir")) {
    dir = vm["slurm-dir"].as<std::string>();
  } else {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    dir = fmt::format("regress-slurm-{}-{}", file_stem(suite_name), stamp);
  }
  std::error_code ec;
  run.dir = fs::absolute(dir, ec).lexically_normal().string();
  if (!run.dir.empty() && run.dir.back() == '/') run.dir.pop_back();
  // sbatch expands '%' in --output names; the other characters would garble the scripts' logs.
  if (ec || run.dir.find_first_of("%\n\\") != std::string::npos) fail("--slurm-dir {}: unusable name", dir);
  if (fs::exists(run.dir, ec) && (!fs::is_directory(run.dir, ec) || !fs::is_empty(run.dir, ec))) {
    fail("--slurm-dir {}: exists and is not an empty directory (results of another run?)", run.dir);
  }
  check_output_dir(run.dir, "--slurm-dir");
  fs::create_directories(run.dir, ec);
  if (ec) fail("--slurm-dir {}: cannot create ({})", run.dir, ec.message());

  const std::string self = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) fail("--slurm: cannot find this ernsim's path ({})", ec.message());
  std::vector<std::string> common = {self,        "regress",
                                     "--suite",   fs::absolute(suite_file).string(),
                                     "--seed",    vm["seed"].as<std::string>(),
                                     "--timeout", vm["timeout"].as<std::string>()};
  if (vm.count("count")) common.insert(common.end(), {"--count", vm["count"].as<std::string>()});
  if (vm.count("configs")) common.insert(common.end(), {"--configs", vm["configs"].as<std::string>()});
  run.shard_command = common;
  run.shard_command.insert(run.shard_command.end(), {"--jobs", std::to_string(run.cpus_per_task)});
  if (vm.count("keep-failing")) {
    run.shard_command.insert(run.shard_command.end(),
                             {"--keep-failing", fs::absolute(vm["keep-failing"].as<std::string>()).string()});
  }
  run.merge_command = common;
  run.merge_command.insert(run.merge_command.end(),
                           {"--merge-shards", run.dir, "--shards", std::to_string(run.shards), "--junit",
                            run.dir + "/merged.xml", "--report", run.dir + "/summary.json"});
  if (vm.count("baseline")) {
    run.merge_command.insert(run.merge_command.end(),
                             {"--baseline", fs::absolute(vm["baseline"].as<std::string>()).string()});
  }
  if (vm["update-baseline"].as<bool>()) run.merge_command.push_back("--update-baseline");

  const int status = run_on_slurm(run);
  // --junit and --report get copies of the merged files.
  const std::pair<const char*, std::string> copies[] = {{"junit", run.dir + "/merged.xml"},
                                                        {"report", run.dir + "/summary.json"}};
  for (const auto& [option, merged] : copies) {
    if (vm.count(option)) {
      write_text_file(vm[option].as<std::string>(), read_text_file(merged, "--slurm", uintmax_t{256} << 20),
                      std::string("--") + option);
    }
  }
  return status;
}

}  // namespace

int run_regress(int argc, char** argv) {
  po::options_description options("regress options");
  // clang-format off
  options.add_options()
      ("suite", po::value<std::string>()->default_value("smoke"), "a suite in tests/suites (smoke, full) or a JSON file")
      ("count", po::value<std::string>(),
       with_range("override the count of every random item (layers and networks)", kCountRange).c_str())
      ("seed", po::value<std::string>()->default_value("0"),
       with_range("shift every random item's seeds by S (a new regression)", kSeedRange).c_str())
      ("jobs,j", po::value<std::string>(), with_range("parallel worker processes (default: the number of cores)", kJobsRange).c_str())
      ("shard", po::value<std::string>(), "run shard I of N (I/N, 1-based): items I, I+N, I+2N, ...")
      ("configs", po::value<std::string>(), "run only items on these configurations (comma-separated)")
      ("timeout", po::value<std::string>()->default_value("1800"),
       with_range("seconds after which an item is killed and failed", kTimeoutRange).c_str())
      ("junit", po::value<std::string>(), "write JUnit XML")
      ("report", po::value<std::string>(), "write a JSON report")
      ("keep-failing", po::value<std::string>(), "for each failure, save its inputs, report and a waveform of the "
                                                 "first mismatching layer in DIR")
      ("list", po::bool_switch(), "print the items and their commands without running them")
      ("baseline", po::value<std::string>(), "compare the total and per-layer cycles of each fixture and zoo item "
                                             "with FILE (tests/baselines/SUITE.json); fail beyond its tolerance")
      ("update-baseline", po::bool_switch(), "rewrite --baseline FILE with this run's cycles (when every item passed)")
      ("slurm", po::bool_switch(), "submit the suite to Slurm: a job array of --shards tasks and a merge job; wait")
      ("shards", po::value<std::string>()->default_value("4"),
       with_range("--slurm: array tasks, one shard each", kSlurmShardsRange).c_str())
      ("partition", po::value<std::string>(), "--slurm: the partition (default: the cluster's)")
      ("time", po::value<std::string>(), "--slurm: time limit of each task (sbatch --time: M, H:M:S, D-H:M, ...)")
      ("slurm-dir", po::value<std::string>(), "--slurm: directory for the shards' and the merge's files, on a file "
                                              "system every node shares (default: ./regress-slurm-SUITE-TIME)")
      ("poll", po::value<std::string>()->default_value("5"), with_range("--slurm: seconds between squeue queries", kPollRange).c_str())
      ("merge-shards", po::value<std::string>(), "merge the reports of --shards N shards in DIR instead of running "
                                                 "(the merge job of --slurm)");
  // clang-format on
  po::variables_map vm;
  if (!parse_command(
          argc, argv,
          "usage: ernsim regress [--suite smoke|full|NAME] [--count N] [--seed S] [--jobs J] [--shard I/N]\n"
          "                      [--configs C1,C2] [--junit FILE.xml] [--report R.json] [--keep-failing DIR]\n"
          "                      [--baseline FILE [--update-baseline]]\n"
          "                      [--slurm [--shards N] [--partition P] [--time LIMIT] [--slurm-dir DIR]]\n\n"
          "Runs a regression suite on the RTL: fixtures, zoo models, random layers, random whole\n"
          "networks on random memory systems and networks that must fail with exactly the residual-stream\n"
          "overflow the golden model predicts, each item in its own process. Every failure is printed\n"
          "with the command that reproduces it. Exit code 0 when every item that ran passed. With\n"
          "--slurm, the shards run as a Slurm job array and a dependent job merges their reports.",
          options, vm)) {
    return 0;
  }
  SuiteOverrides overrides;
  if (vm.count("count")) {
    overrides.count = static_cast<int>(uint_option(vm, "count", kCountRange));
  }
  overrides.seed_shift = uint_option(vm, "seed", kSeedRange);
  if (vm.count("configs")) {
    std::stringstream list(vm["configs"].as<std::string>());
    for (std::string c; std::getline(list, c, ',');) {
      if (!c.empty()) overrides.configs.push_back(c);
    }
    if (overrides.configs.empty()) fail("--configs: expected configuration names");
    for (const std::string& c : overrides.configs) check_config_name(c, "--configs");
  }
  const int jobs = vm.count("jobs") ? static_cast<int>(uint_option(vm, "jobs", kJobsRange))
                                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int shard = 1, shards = 1;
  if (vm.count("shard")) {
    const std::string s = vm["shard"].as<std::string>();
    const size_t slash = s.find('/');
    if (slash == std::string::npos) fail("--shard {}: expected I/N with 1 <= I <= N", s);
    shards =
        static_cast<int>(parse_uint(s.substr(slash + 1), "--shard " + s + ": N", kShardsRange.lo, kShardsRange.hi));
    shard = static_cast<int>(parse_uint(s.substr(0, slash), "--shard " + s + ": I", 1, static_cast<uint64_t>(shards)));
  }
  const double timeout = real_option(vm, "timeout", kTimeoutRange);
  const int merge_shards = static_cast<int>(uint_option(vm, "shards", kSlurmShardsRange));
  if (vm["update-baseline"].as<bool>() && !vm.count("baseline")) fail("--update-baseline: needs --baseline FILE");
  for (const char* option : {"shards", "partition", "time", "slurm-dir", "poll"}) {
    const bool given = vm.count(option) && !vm[option].defaulted();
    const bool allowed = vm["slurm"].as<bool>() || (std::string(option) == "shards" && vm.count("merge-shards"));
    if (given && !allowed)
      fail("--{}: only with --slurm{}", option, std::string(option) == "shards" ? " or --merge-shards" : "");
  }
  if (vm.count("merge-shards") || vm["slurm"].as<bool>()) {
    const char* mode = vm["slurm"].as<bool>() ? "--slurm" : "--merge-shards";
    if (vm.count("merge-shards") && vm["slurm"].as<bool>()) fail("--slurm and --merge-shards exclude each other");
    if (vm.count("shard")) fail("{} runs every shard: it excludes --shard", mode);
    if (vm.count("keep-failing") && vm.count("merge-shards"))
      fail("--merge-shards: the shards keep failures, not the merge");
  }
  for (const char* path : {"junit", "report"}) {
    if (vm.count(path)) check_output_path(vm[path].as<std::string>(), std::string("--") + path);
  }
  if (vm.count("keep-failing")) check_output_dir(vm["keep-failing"].as<std::string>(), "--keep-failing");

  const std::string path = suite_path(vm["suite"].as<std::string>());
  // Only a path that is not there gets the suggestion; one that cannot be looked at (a directory
  // without search permission) is reported with its reason when it is opened below.
  std::error_code exists_ec;
  if (!std::filesystem::exists(path, exists_ec) && !exists_ec) {
    std::vector<std::string> suites;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(std::string(ERNSIM_SOURCE_DIR) + "/tests/suites", ec)) {
      suites.push_back(e.path().stem().string());
    }
    fail("--suite {}: cannot open {}{}", vm["suite"].as<std::string>(), path,
         did_you_mean(vm["suite"].as<std::string>(), suites));
  }
  const nlohmann::json suite = parse_json_file(path, "regression suite");
  const std::string suite_name = std::filesystem::path(path).stem().string();
  std::vector<Item> all = expand_suite(suite, path, overrides, shared_dir() + "/fixtures/ern");
  std::vector<Item> items;
  for (size_t i = 0; i < all.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(shards)) == shard - 1) items.push_back(std::move(all[i]));
  }
  const std::string run_name = shards > 1 ? fmt::format("{}.shard{}of{}", suite_name, shard, shards) : suite_name;
  if (vm["list"].as<bool>()) {
    for (const Item& i : items) {
      fmt::print("{:<44} {}{}\n", i.id, command_line(i.args),
                 i.skip_reason.empty() ? "" : "  [skip: " + i.skip_reason + "]");
    }
    return 0;
  }
  // A run that executes nothing is not a pass.
  const size_t runnable = static_cast<size_t>(
      std::count_if(items.begin(), items.end(), [](const Item& i) { return i.skip_reason.empty(); }));
  if (runnable == 0) {
    std::string why = items.empty()
                          ? "no item of the suite matches the selection (--configs, --shard)"
                          : fmt::format("all {} items are skipped: {}", items.size(), items.front().skip_reason);
    fail("suite {} executes nothing: {}", run_name, why);
  }

  if (vm["slurm"].as<bool>()) return submit_to_slurm(vm, path, suite_name, all.size());
  nlohmann::json baseline;
  if (vm.count("baseline"))
    baseline = read_baseline(vm["baseline"].as<std::string>(), vm["update-baseline"].as<bool>());

  double seconds = 0;
  if (vm.count("merge-shards")) {
    const std::string dir = vm["merge-shards"].as<std::string>();
    fmt::print("suite {} ({}): {} items, merged from {} shards in {}\n", suite_name, path, items.size(), merge_shards,
               dir);
    load_shard_reports(items, dir, merge_shards);
    for (const Item& i : items) seconds += i.seconds;  // CPU time: the shards' wall time is not known here
  } else {
    fmt::print("suite {} ({}): {} items{}, {} jobs\n", run_name, path, items.size(),
               shards > 1 ? fmt::format(" (shard {} of {}, {} in the suite)", shard, shards, all.size()) : "", jobs);
    std::fflush(stdout);
    seconds = run_items(items, jobs, timeout);
  }
  if (vm.count("baseline")) {
    check_baseline(baseline, vm["baseline"].as<std::string>(), items, vm["update-baseline"].as<bool>());
  }
  const auto [passed, failed, skipped] = count_items(items);
  fmt::print("{}", summary_table(items));
  fmt::print(
      "\n{}: {} passed, {} failed, {} skipped of {} items in {} ({})\n", run_name, passed, failed, skipped,
      items.size(), format_duration(seconds),
      vm.count("merge-shards") ? fmt::format("CPU time of {} shards", merge_shards) : fmt::format("{} jobs", jobs));
  fmt::print("{}", skips_and_failures(items));

  if (vm.count("keep-failing") && failed) {
    const std::string dir = vm["keep-failing"].as<std::string>();
    int kept = 0;
    for (const Item& i : items) {
      for (const Failure& f : i.failures) {
        if (kept == 20) break;  // enough to debug; the rest have their commands
        const std::string sub =
            fmt::format("{}/{}{}", dir, file_stem(i.id), f.seed ? fmt::format("_seed{}", f.seed) : "");
        keep_failure(sub, i, f);
        ++kept;
      }
    }
    fmt::print("kept {} failure(s) in {} (inputs, report, waveform of the first mismatching layer)\n", kept, dir);
  }
  if (vm.count("junit"))
    write_text_file(vm["junit"].as<std::string>(), junit_xml(suite_name, run_name, items, seconds), "--junit");
  if (vm.count("report")) {
    JsonReport j(nullptr);
    j["suite"] = suite_name;
    j["suite_file"] = path;
    j["shard"] = {shard, shards};
    j["jobs"] = jobs;
    j["seed_shift"] = overrides.seed_shift;
    j["seconds"] = seconds;
    j["passed"] = passed;
    j["failed"] = failed;
    j["skipped"] = skipped;
    j["items"] = items_json(items);
    j.write(vm["report"].as<std::string>());
  }
  if (vm["update-baseline"].as<bool>()) {
    const std::string file = vm["baseline"].as<std::string>();
    if (failed) fail("--update-baseline: {} item(s) failed; {} is left as it was", failed, file);
    write_text_file(file, updated_baseline(baseline, items), "--baseline");
    fmt::print("updated the baseline {}\n", file);
  }
  return failed ? kExitFailed : kExitSuccess;
}

}  // namespace ernsim::cli
