// `ernsim regress`: an RTL regression. A suite (tests/suites/NAME.json) names fixtures, zoo models,
// batches of random layers, random whole networks and networks whose run must fail with a stream
// overflow; each becomes one item, run as a child ernsim
// process (so that a crash, hang or SystemC's one-elaboration-per-process rule affects one item only),
// J at a time, optionally one shard of N. Every failure is printed with the one command that reproduces
// it; JUnit XML and a JSON report are written for CI.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "models/checked_number.h"
#include "models/closest_name.h"
#include "models/error.h"
#include "models/input_file.h"
#include "models/golden.h"
#include "models/zoo.h"
#include "sim/hw_config.h"
#include "sim/drivers/program_mode.h"
#include "sim/testbench/sc_testbench.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/progress.h"
#include "tools/cli/regress.h"
#include "tools/cli/regress_baseline.h"
#include "tools/cli/regress_slurm.h"

namespace ernsim::cli {

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_interrupted = 0;  // Ctrl-C: stop the workers (their own process groups)
void on_interrupt(int) { g_interrupted = 1; }

const char* status_name(Status s) {
  return s == Status::kPassed ? "passed" : s == Status::kFailed ? "failed" : "skipped";
}

const char* failure_kind_name(FailureKind k) {
  return k == FailureKind::kMismatch ? "mismatch" : k == FailureKind::kTimeout ? "timeout"
                                                  : k == FailureKind::kCrash   ? "crash"
                                                                               : "error";
}

std::string quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,") ==
                          std::string::npos) {
    return arg;
  }
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string shared_dir() {
  if (const char* env = std::getenv("ERNSIM_SHARED_DIR")) return env;
  return std::filesystem::weakly_canonical(ERNSIM_SHARED_DIR).string();
}

std::string suite_path(const std::string& suite) {
  if (suite.find('/') != std::string::npos || (suite.size() > 5 && suite.substr(suite.size() - 5) == ".json")) return suite;
  return std::string(ERNSIM_SOURCE_DIR) + "/tests/suites/" + suite + ".json";
}

template <typename T>
T field(const nlohmann::json& j, const char* key, const T& fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    fail("{}: \"{}\" has the wrong type", where, key);
  }
}

std::vector<std::string> string_list(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto list = field<std::vector<std::string>>(j, key, {}, where);
  if (list.empty()) fail("{}: \"{}\" must be a non-empty list", where, key);
  return list;
}

struct Overrides {
  int count = 0;  // 0: the suite's counts
  uint64_t seed_shift = 0;
  std::vector<std::string> configs;  // empty: every configuration
};

// A random whole network's run: the network, configuration, tiling and memory all follow from its seed.
std::vector<std::string> random_network_args(uint64_t seed, const std::vector<std::string>& configs, std::string& config) {
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 17);
  config = configs[rng() % configs.size()];
  const int rows[] = {0, 1, 2, 3, 4, 8};
  const double bandwidths[] = {4, 8, 16, 32, 64, 128};
  const uint32_t latencies[] = {1, 8, 30, 100, 250};
  return {"run", "--model", fmt::format("random:{}", seed), "--seed", fmt::format("{}", seed),
          "--config", config, "--max-rows", fmt::format("{}", rows[rng() % 6]),
          "--mem-bytes-per-cycle", fmt::format("{}", bandwidths[rng() % 6]),
          "--mem-latency", fmt::format("{}", latencies[rng() % 5]), "--check-estimate"};
}

// A configuration name in a suite or --configs: a name in configs/ (compiled in or not), else an error
// with the closest valid name. (One that exists but is not compiled in is a visible skip.)
void check_config_name(const std::string& config, const std::string& where) {
  const std::vector<std::string> names = hw_config_names();
  if (std::find(names.begin(), names.end(), config) == names.end()) {
    fail("{}: unknown configuration '{}'{}", where, config, did_you_mean(config, names));
  }
}

std::vector<std::string> suite_configs(const nlohmann::json& entry, const std::string& where) {
  const std::vector<std::string> configs = string_list(entry, "configs", where);
  for (const std::string& c : configs) check_config_name(c, where);
  return configs;
}

// The keys each kind of item takes: a misspelt key would otherwise silently mean its default.
void check_item_keys(const nlohmann::json& entry, const std::string& kind, const std::string& where) {
  static const std::map<std::string, std::vector<std::string>> kKeys = {
      {"fixture", {"kind", "name", "configs"}},
      {"zoo", {"kind", "model", "size", "configs"}},
      {"random-layers", {"kind", "count", "batch", "seed", "configs"}},
      {"random-networks", {"kind", "count", "seed", "configs"}},
      {"stream-overflow", {"kind", "count", "seed", "configs"}},
  };
  const auto it = kKeys.find(kind);
  if (it == kKeys.end()) return;  // the unknown kind is reported by the caller
  for (const auto& [key, value] : entry.items()) {
    if (std::find(it->second.begin(), it->second.end(), key) == it->second.end()) {
      fail("{}: unknown key \"{}\" for a {} item{}", where, key, kind, did_you_mean(key, it->second));
    }
  }
}

// The fixtures in ../shared, when it is there.
std::vector<std::string> fixture_names(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string file = e.path().filename().string();
    if (file.size() > 5 && file.compare(file.size() - 5, 5, ".onnx") == 0) names.push_back(file.substr(0, file.size() - 5));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A random item's count: --count, else its "count" field.
int item_count(const nlohmann::json& entry, const Overrides& o, const std::string& where) {
  if (o.count) return o.count;
  if (!entry.contains("count")) fail("{}: a random item needs a \"count\"", where);
  return static_cast<int>(json_uint(entry["count"], where + ": \"count\"", kCountRange.lo, kCountRange.hi));
}

// A random item's first seed: its "seed" (default 1) shifted by --seed; its last seed must not wrap.
uint64_t item_seed(const nlohmann::json& entry, const Overrides& o, int count, const std::string& where) {
  const uint64_t seed = entry.contains("seed") ? json_uint(entry["seed"], where + ": \"seed\"", kSeedRange.lo, kSeedRange.hi) : 1;
  if (seed > UINT64_MAX - o.seed_shift || seed + o.seed_shift > UINT64_MAX - static_cast<uint64_t>(count)) {
    fail("{}: seed {} shifted by --seed {} with {} items passes 2^64 - 1", where, seed, o.seed_shift, count);
  }
  return seed + o.seed_shift;
}

bool config_selected(const Overrides& o, const std::string& config) {
  return o.configs.empty() || std::find(o.configs.begin(), o.configs.end(), config) != o.configs.end();
}

std::vector<Item> expand_suite(const nlohmann::json& suite, const std::string& path, const Overrides& o) {
  if (!suite.is_object() || !suite.contains("items") || !suite["items"].is_array()) {
    fail("{}: expected an object with an \"items\" list", path);
  }
  for (const auto& [key, value] : suite.items()) {
    if (key != "items" && key != "description") {
      fail("{}: unknown key \"{}\"{}", path, key, did_you_mean(key, {"items", "description"}));
    }
  }
  const std::string fixture_dir = shared_dir() + "/fixtures/ern";
  const std::vector<std::string> fixtures = fixture_names(fixture_dir);
  const std::vector<std::string> compiled = compiled_engine_configs();
  std::vector<Item> items;
  auto add = [&](Item item) {
    if (items.size() >= kMaxSuiteItems) fail("{}: expands to more than {} items", path, kMaxSuiteItems);
    if (item.skip_reason.empty() && !item.config.empty() &&
        std::find(compiled.begin(), compiled.end(), item.config) == compiled.end()) {
      item.skip_reason = fmt::format("configuration {} is not compiled into this ernsim", item.config);
    }
    items.push_back(std::move(item));
  };
  int index = 0;
  for (const nlohmann::json& entry : suite["items"]) {
    const std::string where = fmt::format("{}: item {}", path, index++);
    if (!entry.is_object()) fail("{}: expected an object", where);
    const std::string kind = field<std::string>(entry, "kind", "", where);
    check_item_keys(entry, kind, where);
    if (kind == "fixture") {
      const std::string name = field<std::string>(entry, "name", "", where);
      if (name.empty()) fail("{}: a fixture needs a \"name\"", where);
      const std::string base = fixture_dir + "/" + name;
      // Without ../shared the fixtures are a visible skip; with it, a name that is not there is a typo.
      if (!fixtures.empty() && std::find(fixtures.begin(), fixtures.end(), name) == fixtures.end()) {
        fail("{}: unknown fixture '{}' in {}{}", where, name, fixture_dir, did_you_mean(name, fixtures));
      }
      for (const std::string& config : suite_configs(entry, where)) {
        if (!config_selected(o, config)) continue;
        Item item;
        item.id = fmt::format("fixture/{}/{}", config, name);
        item.kind = kind;
        item.config = config;
        item.args = {"run", "--model", base + ".onnx", "--input", base + ".input.npy", "--config", config,
                     "--check-estimate"};
        if (!std::filesystem::exists(base + ".onnx")) {
          item.skip_reason = fmt::format("{} holds no fixtures (../shared absent)", fixture_dir);
        }
        add(std::move(item));
      }
    } else if (kind == "zoo") {
      const std::string model = field<std::string>(entry, "model", "", where);
      if (model.empty() || !entry.contains("size")) fail("{}: a zoo item needs \"model\" and \"size\"", where);
      const uint64_t size = json_uint(entry["size"], where + ": \"size\"", kSizeRange.lo, kSizeRange.hi);
      try {
        find_zoo_model(model);
      } catch (const Error& e) {
        fail("{}: {}", where, e.what());
      }
      for (const std::string& config : suite_configs(entry, where)) {
        if (!config_selected(o, config)) continue;
        Item item;
        item.id = fmt::format("zoo/{}/{}@{}", config, model, size);
        item.kind = kind;
        item.config = config;
        item.args = {"run", "--model", "zoo:" + model, "--size", std::to_string(size), "--config", config,
                     "--check-estimate"};
        add(std::move(item));
      }
    } else if (kind == "random-layers") {
      const int count = item_count(entry, o, where);
      const int batch = entry.contains("batch")
                            ? static_cast<int>(json_uint(entry["batch"], where + ": \"batch\"", kBatchRange.lo, kBatchRange.hi))
                            : 50;
      const uint64_t seed = item_seed(entry, o, count, where);
      for (const std::string& config : suite_configs(entry, where)) {
        if (!config_selected(o, config)) continue;
        for (int first = 0; first < count; first += batch) {
          Item item;
          item.kind = kind;
          item.config = config;
          item.first_seed = seed + static_cast<uint64_t>(first);
          item.count = std::min(batch, count - first);
          item.id = fmt::format("random-layers/{}/{}-{}", config, item.first_seed, item.first_seed + item.count - 1);
          item.args = {"regress-layers", "--count", std::to_string(item.count), "--seed",
                       std::to_string(item.first_seed), "--config", config};
          add(std::move(item));
        }
      }
    } else if (kind == "random-networks") {
      const int count = item_count(entry, o, where);
      const uint64_t seed = item_seed(entry, o, count, where);
      std::vector<std::string> configs;
      for (const std::string& c : suite_configs(entry, where)) {
        if (config_selected(o, c)) configs.push_back(c);
      }
      if (configs.empty()) continue;
      for (int i = 0; i < count; ++i) {
        Item item;
        item.kind = kind;
        item.first_seed = seed + static_cast<uint64_t>(i);
        item.count = 1;
        item.args = random_network_args(item.first_seed, configs, item.config);
        item.id = fmt::format("random-networks/{}/{}", item.config, item.first_seed);
        add(std::move(item));
      }
    } else if (kind == "stream-overflow") {
      const int count = item_count(entry, o, where);
      const uint64_t seed = item_seed(entry, o, count, where);
      for (const std::string& config : suite_configs(entry, where)) {
        if (!config_selected(o, config)) continue;
        for (int i = 0; i < count; ++i) {
          Item item;
          item.kind = kind;
          item.config = config;
          item.first_seed = seed + static_cast<uint64_t>(i);
          item.count = 1;
          item.id = fmt::format("stream-overflow/{}/{}", config, item.first_seed);
          item.args = {"run", "--model", fmt::format("overflow:{}", item.first_seed), "--seed",
                       std::to_string(item.first_seed), "--config", config, "--check-estimate"};
          add(std::move(item));
        }
      }
    } else {
      fail("{}: unknown kind \"{}\" (expected fixture, zoo, random-layers, random-networks or stream-overflow)", where,
           kind);
    }
  }
  return items;
}

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

std::string tail_lines(const std::string& text, int lines) {
  size_t pos = text.size();
  if (pos && text[pos - 1] == '\n') --pos;
  for (int n = 0; n < lines && pos != std::string::npos && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
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
                       "cannot test the check there", config.stream_width, config.name);
  }
  const std::string error = stream_overflow_error(config, o.net, 0, expected.count, expected.first_layer);
  if (timed_out || !WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != kExitFailed) {
    return fmt::format("expected exit code 1 with \"{}\"; got {}", error,
                       timed_out ? "a timeout" : WIFEXITED(wait_status) ? fmt::format("exit code {}", WEXITSTATUS(wait_status))
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
  std::string why = timed_out ? fmt::format("timed out after {:g} s", timeout)
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
  f.kind = timed_out                                                      ? FailureKind::kTimeout
           : WIFSIGNALED(wait_status)                                     ? FailureKind::kCrash
           : WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == kExitFailed ? FailureKind::kMismatch
                                                                               : FailureKind::kError;
  const std::string reason = failure_reason(item.output);
  f.what = reason.empty() ? why : fmt::format("{}: {}", why, reason);
  f.repro_args = item.args;
  f.repro = command_line(item.args);
  item.failures.push_back(std::move(f));
}

// Length of the valid UTF-8 sequence at text[i] (an XML character), or 0.
size_t utf8_sequence(const std::string& text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  const size_t n = c >= 0xf0 ? (c <= 0xf4 ? 4 : 0) : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  uint32_t cp = c & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (byte(i + k) & 0x3f);
  }
  const bool shortest = (n == 3 && cp >= 0x800) || (n == 4 && cp >= 0x10000) || n == 2;
  const bool xml_char = !(cp >= 0xd800 && cp <= 0xdfff) && cp != 0xfffe && cp != 0xffff && cp <= 0x10ffff;
  return shortest && xml_char ? n : 0;
}

// Text for XML 1.0 content and attributes. XML 1.0 has no way to write most control characters
// (not even as &#x1;) nor bytes that are not UTF-8: those become a visible \xNN.
std::string xml_escape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': case '\t': out += static_cast<char>(c); break;
      case '\r': out += "&#xD;"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\x{:02x}", c);
        } else if (c < 0x80) {
          out += static_cast<char>(c);
        } else if (const size_t n = utf8_sequence(text, i)) {
          out.append(text, i, n);
          i += n - 1;
        } else {
          out += fmt::format("\\x{:02x}", c);
        }
    }
  }
  return out;
}

// One <testsuite> per run (a shard's is named SUITE.shardIofN, so that merged shards stay apart);
// test cases are classed by suite, kind and configuration (smoke.random-layers.small).
std::string junit_xml(const std::string& suite_name, const std::string& run_name, const std::vector<Item>& items,
                      double seconds) {
  // JUnit's failures are wrong answers (mismatch, timeout); its errors are items that could not
  // answer (crash, error).
  auto is_error = [](const Item& i) {
    return i.status == Status::kFailed &&
           (i.failures.front().kind == FailureKind::kCrash || i.failures.front().kind == FailureKind::kError);
  };
  int failed = 0, errors = 0, skipped = 0;
  for (const Item& i : items) {
    errors += is_error(i);
    failed += i.status == Status::kFailed && !is_error(i);
    skipped += i.status == Status::kSkipped;
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format(
      "<testsuites name=\"ernsim\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
      items.size(), failed, errors, skipped, seconds);
  xml += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
      xml_escape(run_name), items.size(), failed, errors, skipped, seconds);
  for (const Item& i : items) {
    const size_t slash = i.id.rfind('/');
    std::string classname = suite_name + "." + i.id.substr(0, slash);
    std::replace(classname.begin(), classname.end(), '/', '.');
    xml += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">\n", xml_escape(classname),
                       xml_escape(i.id.substr(slash + 1)), i.seconds);
    if (i.status == Status::kSkipped) {
      xml += fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(i.skip_reason));
    } else if (i.status == Status::kFailed) {
      std::string body;
      for (const Failure& f : i.failures) body += f.what + "\n  reproduce: " + f.repro + "\n";
      const char* element = is_error(i) ? "error" : "failure";
      xml += fmt::format("      <{} message=\"{}\" type=\"{}\">{}\n{}</{}>\n", element, xml_escape(i.failures.front().what),
                         failure_kind_name(i.failures.front().kind), xml_escape(body),
                         xml_escape(tail_lines(i.output, 40)), element);
    }
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

// Reruns a failure with everything saved: inputs, report, and a waveform of the first mismatching layer.
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

// The RTL's cycles of a fixture or zoo item that passed, from its run's report.
void read_cycles(Item& item, const std::string& report_path) {
  try {
    const nlohmann::json report = nlohmann::json::parse(read_file(report_path));
    item.total_cycles = report.at("total_cycles").get<uint64_t>();
    for (const nlohmann::json& l : report.at("layers")) {
      item.layer_cycles.push_back({l.at("index").get<int>(), l.at("name").get<std::string>(), l.at("cycles").get<uint64_t>()});
    }
  } catch (const std::exception& e) {
    item.status = Status::kFailed;
    item.failures.push_back({FailureKind::kError, fmt::format("passed but wrote no usable report of its cycles ({})", e.what()),
                             command_line(item.args), item.args, 0});
  }
}

// Runs the items, `jobs` child processes at a time; returns the wall time in seconds.
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
    progress.update(done, fmt::format("  pass {}  fail {}  skip {}  running {}", passed, failed, skipped, running.size()));
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

// The results of `items` (the whole suite) from the reports of its N shards in `dir` (the merge of
// `ernsim regress --slurm`). A shard without a usable report fails each of its items, naming the
// shard, with the item's command; so does an item its shard's report does not have.
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
      if (report.at("shard") != nlohmann::json{shard, shards}) throw std::runtime_error("its report is of another shard");
      for (const nlohmann::json& i : report.at("items")) reported[i.at("id").get<std::string>()] = &i;
    } catch (const std::exception& e) {
      problem = e.what();
    }
    auto fail_item = [&](Item& item, const std::string& why) {
      item.status = Status::kFailed;
      item.failures.push_back({FailureKind::kError, fmt::format("shard {} of {}: {} (the Slurm task was cancelled, timed out or crashed; "
                                           "its log: {})", shard, shards, why, shard_log_path(dir, shard)),
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
          const FailureKind k = kind == "timeout" ? FailureKind::kTimeout : kind == "crash" ? FailureKind::kCrash
                                : kind == "error"   ? FailureKind::kError : FailureKind::kMismatch;
          item.failures.push_back({k, f.at("what").get<std::string>(), f.at("reproduce").get<std::string>(), {}, 0});
        }
        if (item.status == Status::kFailed && item.failures.empty()) {
          item.failures.push_back({FailureKind::kError, "failed", command_line(item.args), item.args, 0});
        }
        if (r.contains("total_cycles")) {
          item.total_cycles = r.at("total_cycles").get<uint64_t>();
          for (const nlohmann::json& l : r.at("layers")) {
            item.layer_cycles.push_back({l.at("index").get<int>(), l.at("name").get<std::string>(),
                                         l.at("cycles").get<uint64_t>()});
          }
        }
      } catch (const std::exception& e) {
        item.failures.clear();
        fail_item(item, fmt::format("its report of this item is unreadable ({})", e.what()));
      }
    }
  }
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
  std::replace_if(run.job_name.begin(), run.job_name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_'; }, '_');

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
  std::vector<std::string> common = {self, "regress", "--suite", fs::absolute(suite_file).string(), "--seed",
                                     vm["seed"].as<std::string>(), "--timeout", vm["timeout"].as<std::string>()};
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

std::string command_line(const std::vector<std::string>& args) {
  std::string line = "ernsim";
  for (const std::string& a : args) line += " " + quote(a);
  return line;
}

int run_regress(int argc, char** argv) {
  po::options_description options("regress options");
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
  po::variables_map vm;
  if (!parse_command(argc, argv,
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
  Overrides overrides;
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
    shards = static_cast<int>(parse_uint(s.substr(slash + 1), "--shard " + s + ": N", kShardsRange.lo, kShardsRange.hi));
    shard = static_cast<int>(parse_uint(s.substr(0, slash), "--shard " + s + ": I", 1, static_cast<uint64_t>(shards)));
  }
  const double timeout = real_option(vm, "timeout", kTimeoutRange);
  const int merge_shards = static_cast<int>(uint_option(vm, "shards", kSlurmShardsRange));
  if (vm["update-baseline"].as<bool>() && !vm.count("baseline")) fail("--update-baseline: needs --baseline FILE");
  for (const char* option : {"shards", "partition", "time", "slurm-dir", "poll"}) {
    const bool given = vm.count(option) && !vm[option].defaulted();
    const bool allowed = vm["slurm"].as<bool>() || (std::string(option) == "shards" && vm.count("merge-shards"));
    if (given && !allowed) fail("--{}: only with --slurm{}", option, std::string(option) == "shards" ? " or --merge-shards" : "");
  }
  if (vm.count("merge-shards") || vm["slurm"].as<bool>()) {
    const char* mode = vm["slurm"].as<bool>() ? "--slurm" : "--merge-shards";
    if (vm.count("merge-shards") && vm["slurm"].as<bool>()) fail("--slurm and --merge-shards exclude each other");
    if (vm.count("shard")) fail("{} runs every shard: it excludes --shard", mode);
    if (vm.count("keep-failing") && vm.count("merge-shards")) fail("--merge-shards: the shards keep failures, not the merge");
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
  std::vector<Item> all = expand_suite(suite, path, overrides);
  std::vector<Item> items;
  for (size_t i = 0; i < all.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(shards)) == shard - 1) items.push_back(std::move(all[i]));
  }
  const std::string run_name = shards > 1 ? fmt::format("{}.shard{}of{}", suite_name, shard, shards) : suite_name;
  if (vm["list"].as<bool>()) {
    for (const Item& i : items) {
      fmt::print("{:<44} {}{}\n", i.id, command_line(i.args), i.skip_reason.empty() ? "" : "  [skip: " + i.skip_reason + "]");
    }
    return 0;
  }
  // A run that executes nothing is not a pass.
  const size_t runnable = static_cast<size_t>(
      std::count_if(items.begin(), items.end(), [](const Item& i) { return i.skip_reason.empty(); }));
  if (runnable == 0) {
    std::string why = items.empty() ? "no item of the suite matches the selection (--configs, --shard)"
                                    : fmt::format("all {} items are skipped: {}", items.size(), items.front().skip_reason);
    fail("suite {} executes nothing: {}", run_name, why);
  }

  if (vm["slurm"].as<bool>()) return submit_to_slurm(vm, path, suite_name, all.size());
  nlohmann::json baseline;
  if (vm.count("baseline")) baseline = read_baseline(vm["baseline"].as<std::string>(), vm["update-baseline"].as<bool>());

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
  int passed = 0, failed = 0, skipped = 0;
  for (const Item& i : items) {
    passed += i.status == Status::kPassed;
    failed += i.status == Status::kFailed;
    skipped += i.status == Status::kSkipped;
  }

  // Summary by kind and configuration.
  struct Row { int items = 0, passed = 0, failed = 0, skipped = 0, cases = 0; double seconds = 0; };
  std::map<std::pair<std::string, std::string>, Row> rows;
  for (const Item& i : items) {
    Row& row = rows[{i.kind, i.config}];
    ++row.items;
    row.passed += i.status == Status::kPassed;
    row.failed += i.status == Status::kFailed;
    row.skipped += i.status == Status::kSkipped;
    row.cases += i.kind == "random-layers" ? i.count : 1;
    row.seconds += i.seconds;
  }
  fmt::print("\n{:<16} {:<9} {:>6} {:>6} {:>7} {:>6} {:>6} {:>10}\n", "kind", "config", "items", "cases", "passed",
             "failed", "skip", "cpu time");
  for (const auto& [key, row] : rows) {
    fmt::print("{:<16} {:<9} {:>6} {:>6} {:>7} {:>6} {:>6} {:>9.1f}s\n", key.first, key.second, row.items, row.cases,
               row.passed, row.failed, row.skipped, row.seconds);
  }
  fmt::print("\n{}: {} passed, {} failed, {} skipped of {} items in {} ({})\n", run_name, passed, failed, skipped,
             items.size(), format_duration(seconds),
             vm.count("merge-shards") ? fmt::format("CPU time of {} shards", merge_shards) : fmt::format("{} jobs", jobs));
  std::map<std::string, int> skip_reasons;
  for (const Item& i : items) {
    if (i.status == Status::kSkipped) ++skip_reasons[i.skip_reason];
  }
  for (const auto& [reason, n] : skip_reasons) fmt::print("skipped {} item(s): {}\n", n, reason);
  if (failed) {
    fmt::print("\nfailures, each with the command that reproduces it:\n");
    for (const Item& i : items) {
      for (const Failure& f : i.failures) fmt::print("  {}: {}\n    {}\n", i.id, f.what, f.repro);
    }
  }

  if (vm.count("keep-failing") && failed) {
    const std::string dir = vm["keep-failing"].as<std::string>();
    int kept = 0;
    for (const Item& i : items) {
      for (const Failure& f : i.failures) {
        if (kept == 20) break;  // enough to debug; the rest have their commands
        const std::string sub = fmt::format("{}/{}{}", dir, file_stem(i.id), f.seed ? fmt::format("_seed{}", f.seed) : "");
        keep_failure(sub, i, f);
        ++kept;
      }
    }
    fmt::print("kept {} failure(s) in {} (inputs, report, waveform of the first mismatching layer)\n", kept, dir);
  }
  if (vm.count("junit")) write_text_file(vm["junit"].as<std::string>(), junit_xml(suite_name, run_name, items, seconds), "--junit");
  if (vm.count("report")) {
    nlohmann::json j;
    j["provenance"] = provenance(nullptr);
    j["suite"] = suite_name;
    j["suite_file"] = path;
    j["shard"] = {shard, shards};
    j["jobs"] = jobs;
    j["seed_shift"] = overrides.seed_shift;
    j["seconds"] = seconds;
    j["passed"] = passed;
    j["failed"] = failed;
    j["skipped"] = skipped;
    j["items"] = nlohmann::json::array();
    for (const Item& i : items) {
      nlohmann::json fj = nlohmann::json::array();
      for (const Failure& f : i.failures) {
        fj.push_back({{"kind", failure_kind_name(f.kind)}, {"what", f.what}, {"reproduce", f.repro}});
      }
      j["items"].push_back({{"id", i.id}, {"kind", i.kind}, {"config", i.config}, {"command", command_line(i.args)},
                            {"status", status_name(i.status)}, {"seconds", i.seconds}, {"cases", i.kind == "random-layers" ? i.count : 1},
                            {"skip_reason", i.skip_reason}, {"failures", fj}});
      if (has_baseline_cycles(i) && i.status == Status::kPassed) {
        nlohmann::json layers = nlohmann::json::array();
        for (const LayerCycles& l : i.layer_cycles) layers.push_back({{"index", l.index}, {"name", l.name}, {"cycles", l.cycles}});
        j["items"].back()["total_cycles"] = i.total_cycles;
        j["items"].back()["layers"] = layers;
      }
    }
    write_text_file(vm["report"].as<std::string>(), j.dump(1) + "\n", "--report");
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
