// The corpus of bad inputs: truncated and corrupted ONNX, unsupported operators, inconsistent
// shapes, bad configurations and suites, unreadable paths and absurd sizes, each given to the
// commands that read it. Every one must end in one clear error line and exit status 1 or 2: no
// crash, no hang, and no output file (not even a partial one) left behind. The inputs are made
// here from the same small ERN graph the import tests use, so they follow the code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "models/heq/qonnx_import.h"
#include "models/npy.h"
#include "models/onnx_import.h"
#include "tests/cli_helpers.h"
#include "tests/onnx_graph_writer.h"
#include "tests/qonnx_graph_writer.h"

namespace ernsim {
namespace {

namespace fs = std::filesystem;

std::string small_ern(const std::function<void(GraphWriter&)>& mutate = {}) {
  GraphWriter g;
  g.build_ern(8);
  if (mutate) mutate(g);
  return g.bytes();
}

void write_bytes(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

nlohmann::json small_config() {
  std::ifstream in(std::string(ERNSIM_SOURCE_DIR) + "/configs/small.json");
  return nlohmann::json::parse(in);
}

void write_json(const std::string& path, const nlohmann::json& j) { std::ofstream(path) << j.dump(1); }

// Inputs in in/, every output the commands are asked for in out/, which must stay empty.
class BadInputs : public ::testing::Test {
 public:
  std::string in(const std::string& name) const { return dir_.file("in/" + name); }
  std::string out(const std::string& name) const { return dir_.file("out/" + name); }

 protected:
  void SetUp() override {
    fs::create_directories(dir_.file("in"));
    fs::create_directories(dir_.file("out"));
  }
  void TearDown() override {
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(dir_.file("out"))) left.push_back(e.path().filename().string());
    EXPECT_THAT(left, ::testing::IsEmpty()) << "files left behind by failed commands";
  }
  TempDir dir_;
};

TEST_F(BadInputs, OnnxModels) {
  const std::string whole = small_ern();
  write_bytes(in("truncated.onnx"), whole.substr(0, whole.size() * 3 / 5));
  std::string corrupted = whole;
  for (size_t i = 16; i < corrupted.size(); i += 41) corrupted[i] = static_cast<char>(corrupted[i] ^ 0x5a);
  write_bytes(in("corrupted.onnx"), corrupted);
  write_bytes(in("mul.onnx"), small_ern([](GraphWriter& g) { g.node("block.add")->set_op_type("Mul"); }));
  write_bytes(in("five_colours.onnx"), small_ern([](GraphWriter& g) {
                g.graph()
                    .mutable_input(0)
                    ->mutable_type()
                    ->mutable_tensor_type()
                    ->mutable_shape()
                    ->mutable_dim(1)
                    ->set_dim_value(5);
              }));
  write_bytes(in("huge_input.onnx"), small_ern([](GraphWriter& g) {
                auto* shape = g.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
                shape->mutable_dim(2)->set_dim_value(int64_t{1} << 40);
                shape->mutable_dim(3)->set_dim_value(int64_t{1} << 40);
              }));
  write_bytes(in("negative_input.onnx"), small_ern([](GraphWriter& g) {
                g.graph()
                    .mutable_input(0)
                    ->mutable_type()
                    ->mutable_tensor_type()
                    ->mutable_shape()
                    ->mutable_dim(2)
                    ->set_dim_value(-16);
              }));
  write_bytes(in("weights_mismatch.onnx"), small_ern([](GraphWriter& g) {
                // conv1's weights claim twice the input channels its input has (dims and data agree).
                for (auto& t : *g.graph().mutable_initializer()) {
                  if (t.name() != "block.conv1.weight") continue;
                  t.set_dims(1, 16);
                  const int n = t.float_data_size();
                  for (int i = 0; i < n; ++i) t.add_float_data(0.5f);
                }
              }));
  write_bytes(in("data_count.onnx"), small_ern([](GraphWriter& g) {
                for (auto& t : *g.graph().mutable_initializer()) {
                  if (t.name() == "block.conv2.weight") t.mutable_float_data()->RemoveLast();
                }
              }));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated.onnx", "truncated.onnx: not a valid ONNX model"},
      {"corrupted.onnx", "corrupted.onnx: not a valid ONNX model"},
      {"mul.onnx", "mul.onnx: node /block.add/Add (Mul): unsupported operator Mul"},
      {"five_colours.onnx", "input image has 5 colour channels; ERN images are N x 3 x H x W"},
      {"huge_input.onnx", "input image dimension 2 is 1099511627776, more than the supported 8192"},
      {"negative_input.onnx", "input image dimension 2 must be a fixed positive size"},
      {"weights_mismatch.onnx", "weights expect 16 input channels, input block.act0 has 8"},
      {"data_count.onnx", "block.conv2.weight holds 575 values, its shape (8, 8, 3, 3) needs 576"},
  };
  for (const auto& [file, message] : cases) {
    SCOPED_TRACE(file);
    expect_error("infer --model " + in(file) + " --output " + out("logits.npy") + " --dump-layers " + out("dump"),
                 message);
    expect_error("estimate --model " + in(file) + " --config small --report " + out("estimate.json"), message);
    expect_error(
        "run --model " + in(file) + " --config small --report " + out("run.json") + " --output " + out("logits.npy"),
        message);
  }
}

TEST_F(BadInputs, QonnxModels) {
  using Variant = QonnxGraphWriter::Variant;
  QonnxGraphWriter good(Variant::kMuxOr);
  const std::string whole = good.bytes();
  write_bytes(in("good.onnx"), whole);
  // Truncated after the first Quant node: still a QONNX graph, now without a classifier.
  QonnxGraphWriter cut(Variant::kMuxOr);
  while (cut.graph().node_size() > 3) cut.graph().mutable_node()->RemoveLast();
  write_bytes(in("cut.onnx"), cut.bytes());
  QonnxGraphWriter group(Variant::kOrBipolar);
  GraphWriter::int_attr(group.node("block.conv_b.conv"), "group", 2);
  write_bytes(in("group.onnx"), group.bytes());
  QonnxGraphWriter pool(Variant::kVggSmallW5);
  pool.attr("pool", "strides")->set_ints(0, 1);
  write_bytes(in("pool.onnx"), pool.bytes());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"cut.onnx", "cut.onnx: graph output fc is not a classifier"},
      {"group.onnx", "group.onnx: node /block.conv_b.conv/Conv (Conv): group 2 is not supported (only 1)"},
      {"pool.onnx", "pool.onnx: node /pool/MaxPool (MaxPool): only 2x2 pools with stride 2"},
  };
  for (const auto& [file, message] : cases) {
    SCOPED_TRACE(file);
    expect_error("infer --model " + in(file) + " --output " + out("logits.npy") + " --dump-layers " + out("dump"),
                 message);
    expect_error("info --model " + in(file), message);
  }
  // HEQ networks run in the golden model only, so far.
  expect_error("estimate --model " + in("good.onnx") + " --config small --report " + out("estimate.json"),
               "an HEQ network; only `ernsim infer` and `ernsim info` run HEQ networks so far");
  expect_error("run --model zoo:VGG-11 --config small --report " + out("run.json"), "an HEQ network");
  expect_error("infer --model zoo:VGG-11 --size 20 --output " + out("logits.npy"),
               "size 20 must be a multiple of 8 (three 2x2 pools) in 8..2048");
  expect_error("infer --model " + in("good.onnx") + " --size 16 --output " + out("logits.npy"),
               "--size 16: " + in("good.onnx") + " has a fixed 8x8 input");
}

TEST_F(BadInputs, UnreadablePaths) {
  expect_error("infer --model " + dir_.file("in"), "is a directory");
  expect_error("infer --model " + in("absent.onnx"), "absent.onnx: cannot open");
  expect_error("infer --model zoo:ERNs18 --size 32 --input " + dir_.file("in"), "not a regular file");
  expect_error("run --model zoo:ERNs18 --size 32 --config " + in("absent.json"), "absent.json");
  expect_error("regress --suite " + in("absent.json"), "absent.json");
  // Outputs where they cannot be written.
  expect_error("infer --model zoo:ERNs18 --size 32 --output " + out("no/such/dir/logits.npy"), "does not exist");
  expect_error("run --model zoo:ERNs18 --size 32 --config small --report " + out("no/such/dir/r.json"),
               "does not exist");
  expect_error("regress --suite smoke --junit " + out("no/such/dir/junit.xml"), "does not exist");
}

TEST_F(BadInputs, NpyImages) {
  const std::string infer = "infer --model zoo:ERNs18-0.75x --size 32 --output " + out("logits.npy") + " --input ";
  // A header that declares 3e20 bytes in a file of a few hundred: rejected before any allocation.
  std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': (1000000000, 3, 100000, 100000), }";
  header.append(118 - header.size(), ' ');
  header += '\n';
  write_bytes(in("absurd.npy"), std::string("\x93NUMPY\x01\x00", 8) + std::string(1, static_cast<char>(header.size())) +
                                    std::string(1, '\0') + header);
  expect_error(infer + in("absurd.npy"), "shape (1000000000, 3, 100000, 100000) is too large");
  std::vector<uint8_t> small(1 * 3 * 16 * 16);
  write_npy(in("wrong_size.npy"), NpyType::kUint8, {1, 3, 16, 16}, small.data());
  expect_error(infer + in("wrong_size.npy"), "images are 16x16, the model expects 32x32");
  write_bytes(in("truncated.npy"), slurp(in("wrong_size.npy")).substr(0, 300));
  expect_error(infer + in("truncated.npy"), "truncated data: uint8 of shape (1, 3, 16, 16) needs 768 bytes");
  write_npy(in("empty.npy"), NpyType::kUint8, {0, 3, 32, 32}, nullptr);
  expect_error(infer + in("empty.npy"), "empty.npy: holds no images");
}

TEST_F(BadInputs, Configurations) {
  const std::string estimate = "estimate --model zoo:ERNs18 --size 32 --report " + out("r.json") + " --config ";
  const std::string run = "run --model zoo:ERNs18 --size 32 --report " + out("r.json") + " --config ";
  std::ofstream(in("not_json.json")) << "{ \"name\": \"x\", rtl: ";
  expect_error(estimate + in("not_json.json"), "not valid JSON");
  nlohmann::json c = small_config();
  c.erase("rtl");
  write_json(in("no_rtl.json"), c);
  expect_error(estimate + in("no_rtl.json"), "needs an object \"rtl\"");
  c = small_config();
  c["rtl"]["PeOut"] = 0;
  write_json(in("pe0.json"), c);
  expect_error(estimate + in("pe0.json"), "rtl.PeOut = 0 is outside");
  c = small_config();
  c["rtl"]["ActDepth"] = 1000000000000;
  write_json(in("huge_depth.json"), c);
  expect_error(estimate + in("huge_depth.json"), "rtl.ActDepth = 1000000000000 is outside");
  c = small_config();
  c["rtl"]["MemBytes"] = "wide";
  write_json(in("string_param.json"), c);
  expect_error(estimate + in("string_param.json"), "MemBytes");
  c = small_config();
  c["name"] = "uncompiled";
  c["rtl"]["PeOut"] = 16;
  write_json(in("uncompiled.json"), c);
  expect_error(run + in("uncompiled.json"),
               "no RTL compiled into this ernsim has its parameters (closest: small, where PeOut = 8 there, 16 here)");
  expect_error(run + "nosuch", "unknown hardware configuration 'nosuch'");
  expect_error(run + "small --mem-bytes-per-cycle -1", "--mem-bytes-per-cycle -1");
  expect_error(run + "small --mem-latency 99999999", "--mem-latency 99999999");
  expect_error(run + "small --max-rows -2", "--max-rows -2");
}

TEST_F(BadInputs, AbsurdSizes) {
  expect_error("infer --model zoo:ERNs18 --size 1048576 --output " + out("l.npy"),
               "--size 1048576: expected an integer from 1 to 8192");
  expect_error("estimate --model zoo:ERNs18 --size -32 --report " + out("r.json"),
               "--size -32: expected an integer from 1 to 8192");
  expect_error("infer --model zoo:ERNs18 --size 32 --images 1000000000", "--images 1000000000");
  expect_error("regress-layers --count 0 --config small --report " + out("r.json"), "--count 0");
  expect_error("regress --jobs 0", "--jobs 0");
  expect_error("regress --shard 4/3", "--shard 4/3");
  expect_error("sweep --model zoo:ERNs18 --size 32 --pe-out 0 --csv " + out("s.csv") + " --svg " + out("s.svg"),
               "--pe-out value 0: expected an integer from 1 to 256");
}

TEST_F(BadInputs, Suites) {
  std::ofstream(in("not_json.json")) << "[1, 2";
  expect_error("regress --suite " + in("not_json.json") + " --report " + out("r.json"), "not valid JSON");
  write_json(in("unknown_kind.json"), {{"items", {{{"kind", "bogus"}}}}});
  expect_error("regress --suite " + in("unknown_kind.json") + " --junit " + out("j.xml"), "unknown kind \"bogus\"");
  write_json(in("no_count.json"), {{"items", {{{"kind", "random-layers"}, {"configs", {"small"}}}}}});
  expect_error("regress --suite " + in("no_count.json"), "a random item needs a \"count\"");
  write_json(in("no_items.json"), {{"tests", nlohmann::json::array()}});
  expect_error("regress --suite " + in("no_items.json"), "expected an object with an \"items\" list");
}

// Special files are refused at once (a FIFO would block the open forever), directories too, and no
// file is read past its format's limit; `prefix` runs ernsim as another user (kAsNobody).
void expect_special_and_oversized_files_refused(const BadInputs& t, const std::string& prefix) {
  for (const char* name : {"fifo.onnx", "fifo.npy", "fifo.json"}) ASSERT_EQ(mkfifo(t.in(name).c_str(), 0644), 0);
  constexpr int kQuick = 30;  // seconds: a hang shows as a timeout, not as the error
  const auto expect = [&](const std::string& args, const std::string& message) {
    expect_error_under(prefix, args, message, kQuick);
  };
  const std::string model = "estimate --model zoo:ERNs18 --size 32 --report " + t.out("r.json");
  expect("infer --model " + t.in("fifo.onnx"), "fifo.onnx: is a FIFO, not a regular file (ONNX model expected)");
  expect("infer --model zoo:ERNs18 --size 32 --input " + t.in("fifo.npy"), "fifo.npy: is a FIFO, not a regular file");
  expect(model + " --config " + t.in("fifo.json"), "fifo.json: is a FIFO, not a regular file");
  expect("regress --suite " + t.in("fifo.json"), "fifo.json: is a FIFO, not a regular file");
  expect("infer --model /dev/zero", "/dev/zero: is a character device, not a regular file");
  expect("infer --model zoo:ERNs18 --size 32 --input /dev/zero", "/dev/zero: is a character device");
  expect(model + " --config /dev/null", "/dev/null: is a character device");
  // Directories: a specific error, never "internal error".
  const std::string directory = t.in("");  // with a trailing slash, and without
  expect(model + " --config " + directory.substr(0, directory.size() - 1),
         "is a directory, not a regular file (hardware configuration expected)");
  expect(model + " --config " + directory, "is a directory");
  expect("infer --model " + directory, "is a directory, not a regular file (ONNX model expected)");
  expect("infer --model zoo:ERNs18 --size 32 --input " + directory,
         "is a directory, not a regular file (.npy file expected)");
  expect("regress --suite " + directory, "is a directory, not a regular file (regression suite expected)");
  // Beyond each format's limit (sparse files: nothing is written).
  const std::vector<std::tuple<std::string, uintmax_t, std::string>> oversized = {
      {"huge.onnx", (uintmax_t{2} << 30) + 1, "infer --model "},
      {"huge.npy", (uintmax_t{4} << 30) + 1, "infer --model zoo:ERNs18 --size 32 --input "},
      {"huge.json", (uintmax_t{16} << 20) + 1, model + " --config "},
      {"huge_suite.json", (uintmax_t{16} << 20) + 1, "regress --suite "},
  };
  for (const auto& [name, bytes, command] : oversized) {
    std::ofstream(t.in(name)).close();
    fs::resize_file(t.in(name), bytes);
    expect(command + t.in(name), fmt::format("{} bytes is larger than the {} bytes allowed", bytes, bytes - 1));
  }
}

TEST_F(BadInputs, SpecialAndOversizedFiles) { expect_special_and_oversized_files_refused(*this, ""); }

// The input classes again as the unprivileged user nobody (root opens what nobody may not), and
// the files nobody may not read: one line naming the file and the reason, never a hang or a crash.
class BadInputsAsNobody : public BadInputs {
 protected:
  void SetUp() override {
    BadInputs::SetUp();
    if (!why_not_as_nobody().empty()) GTEST_SKIP() << why_not_as_nobody();
    for (const std::string& d : {dir_.path(), dir_.file("in"), dir_.file("out")}) fs::permissions(d, fs::perms::all);
  }
};

TEST_F(BadInputsAsNobody, SpecialAndOversizedFiles) { expect_special_and_oversized_files_refused(*this, kAsNobody); }

TEST_F(BadInputsAsNobody, UnreadableFiles) {
  write_bytes(in("model.onnx"), small_ern());
  std::vector<uint8_t> pixels(1 * 3 * 32 * 32);
  write_npy(in("images.npy"), NpyType::kUint8, {1, 3, 32, 32}, pixels.data());
  write_json(in("config.json"), small_config());
  write_json(in("suite.json"),
             {{"items", {{{"kind", "zoo"}, {"model", "ERNs18"}, {"size", 32}, {"configs", {"small"}}}}}});
  // Each readable by nobody works, so that the refusals below are of the permission alone.
  ASSERT_EQ(run_ernsim_as_nobody("info --model " + in("model.onnx")).status, 0);
  ASSERT_EQ(run_ernsim_as_nobody("estimate --model zoo:ERNs18 --size 32 --quiet --config " + in("config.json")).status,
            0);
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"model.onnx", "infer --model ", "cannot open ONNX model: Permission denied"},
      {"images.npy", "infer --model zoo:ERNs18 --size 32 --output " + out("l.npy") + " --input ",
       "cannot open .npy file: Permission denied"},
      {"config.json", "estimate --model zoo:ERNs18 --size 32 --report " + out("r.json") + " --config ",
       "cannot open hardware configuration: Permission denied"},
      {"suite.json", "regress --junit " + out("j.xml") + " --suite ",
       "cannot open regression suite: Permission denied"},
  };
  // The file itself unreadable (root's, mode 0600), then a readable copy in a directory nobody may
  // not enter (mode 0700).
  fs::create_directory(in("private"));
  for (const auto& [name, command, message] : cases) {
    SCOPED_TRACE(name);
    fs::copy_file(in(name), in("private/" + name));
    fs::permissions(in(name), fs::perms::owner_read | fs::perms::owner_write);
    expect_error_under(kAsNobody, command + in(name), in(name) + ": " + message);
  }
  fs::permissions(in("private"), fs::perms::owner_all);
  for (const auto& [name, command, message] : cases) {
    SCOPED_TRACE("private/" + name);
    expect_error_under(kAsNobody, command + in("private/" + name), in("private/" + name) + ": " + message);
  }
}

// Every number has a range, named in the error: nothing wraps, truncates or runs for hours.
TEST_F(BadInputs, NumbersOutOfRange) {
  const std::string infer = "infer --model zoo:ERNs18 --size 32 --output " + out("l.npy");
  const std::string estimate = "estimate --model zoo:ERNs18 --size 32 --report " + out("r.json");
  const std::string sweep = "sweep --model zoo:ERNs18 --size 32 --csv " + out("s.csv") + " --svg " + out("s.svg");
  const std::string run = "run --model zoo:ERNs18 --size 32 --config small --report " + out("r.json");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {infer + " --seed -1", "--seed -1: expected an integer from 0 to 18446744073709551615"},
      {infer + " --seed 18446744073709551616", "--seed 18446744073709551616: expected an integer"},
      {infer + " --seed 1.5", "--seed 1.5: expected an integer"},
      {infer + " --images 4294967297", "--images 4294967297: expected an integer from 1 to 10000"},
      {"infer --model random:18446744073709551616", "--model random:18446744073709551616: expected random:SEED"},
      {run + " --watchdog -1", "--watchdog -1: expected an integer from 100 to 1000000000"},
      {run + " --watchdog=-1", "--watchdog -1: expected an integer from 100 to 1000000000"},
      {run + " --watchdog 18446744073709551615", "--watchdog 18446744073709551615: expected an integer"},
      {run + " --trace-layer -1 --trace " + out("t.fst"), "--trace-layer -1: expected an integer"},
      {estimate + " --mem-latency 4294967296", "--mem-latency 4294967296: expected an integer from 0 to 10000"},
      {estimate + " --mem-latency 1000000000000", "--mem-latency 1000000000000: expected an integer from 0 to 10000"},
      {estimate + " --mem-bytes-per-cycle 1e-9", "--mem-bytes-per-cycle 1e-9: expected a number from 1 to 4096"},
      {estimate + " --mem-bytes-per-cycle nan", "--mem-bytes-per-cycle nan: expected a number"},
      {estimate + " --clock-mhz inf", "--clock-mhz inf: expected a number from 1 to 10000"},
      {estimate + " --max-rows 4294967297", "--max-rows 4294967297: expected an integer from 0 to 8192"},
      {sweep + " --clock-mhz 1e-20", "--clock-mhz 1e-20: expected a number from 1 to 10000"},
      {sweep + " --pe-out 8,1e308", "--pe-out value 1e308: expected an integer from 1 to 256"},
      {sweep + " --mem-bytes 4294967312", "--mem-bytes value 4294967312: expected an integer from 1 to 256"},
      {sweep + " --bandwidth 1e308", "--bandwidth value 1e308: expected a number from 1 to 4096"},
      {sweep + " --bandwidth 1e-9", "--bandwidth value 1e-9: expected a number from 1 to 4096"},
      {"regress --count 1000000000 --list", "--count 1000000000: expected an integer from 1 to 100000"},
      {"regress --count 4294967297 --list", "--count 4294967297: expected an integer"},
      {"regress --seed -1 --list", "--seed -1: expected an integer"},
      {"regress --jobs 4294967297 --list", "--jobs 4294967297: expected an integer from 1 to 1024"},
      {"regress --timeout 1e308 --list", "--timeout 1e308: expected a number from 0.001 to 604800"},
      {"regress --shard 1/4294967297 --list",
       "--shard 1/4294967297: N 4294967297: expected an integer from 1 to 100000"},
      {"regress --seed 18446744073709551615 --list", "passes 2^64 - 1"},
      {"regress-layers --count 1000000000 --config small", "--count 1000000000: expected an integer from 1 to 100000"},
      {"regress-layers --seed 18446744073709551615 --count 2 --config small", "seed + --count passes 2^64 - 1"},
      {"zoo --size 4294967328", "--size 4294967328: expected an integer from 1 to 8192"},
      {"layers --model zoo:ERNs18 --size 32 --image -1", "--image -1: expected an integer"},
  };
  for (const auto& [args, message] : cases) expect_error(args, message);

  // Configuration values: no truncation to 32 bits, no memory system that takes hours to estimate.
  const std::vector<std::pair<nlohmann::json, std::string>> memories = {
      {{{"latency_cycles", 4294967296}}, "memory.latency_cycles 4294967296: expected an integer from 0 to 10000"},
      {{{"latency_cycles", 1e12}}, "memory.latency_cycles 1000000000000.0: expected an integer from 0 to 10000"},
      {{{"latency_cycles", -1}}, "memory.latency_cycles -1: expected an integer"},
      {{{"latency_cycles", 2.5}}, "memory.latency_cycles 2.5: expected an integer"},
      {{{"bytes_per_cycle", 1e-9}}, "memory.bytes_per_cycle 1e-09: expected a number from 1 to 4096"},
      {{{"bytes_per_cycle", "fast"}}, "memory.bytes_per_cycle \"fast\": expected a number"},
  };
  for (const auto& [memory, message] : memories) {
    nlohmann::json c = small_config();
    c["memory"] = memory;
    write_json(in("memory.json"), c);
    expect_error(estimate + " --config " + in("memory.json"), message);
  }

  // Suite values: a count of 2^32 + 1 is not one item, a seed does not wrap.
  const std::vector<std::pair<nlohmann::json, std::string>> items = {
      {{{"kind", "random-layers"}, {"count", 4294967297}, {"configs", {"small"}}},
       "\"count\" 4294967297: expected an integer from 1 to 100000"},
      {{{"kind", "random-networks"}, {"count", 1e9}, {"configs", {"small"}}},
       "\"count\" 1000000000.0: expected an integer"},
      {{{"kind", "random-layers"}, {"count", 2}, {"batch", 0}, {"configs", {"small"}}},
       "\"batch\" 0: expected an integer"},
      {{{"kind", "random-networks"}, {"count", 1}, {"seed", -1}, {"configs", {"small"}}},
       "\"seed\" -1: expected an integer"},
      {{{"kind", "random-networks"}, {"count", 2}, {"seed", UINT64_MAX}, {"configs", {"small"}}}, "passes 2^64 - 1"},
      {{{"kind", "zoo"}, {"model", "ERNs18"}, {"size", 1e308}, {"configs", {"small"}}},
       "\"size\" 1e+308: expected an integer"},
  };
  for (const auto& [item, message] : items) {
    write_json(in("suite.json"), {{"items", {item}}});
    expect_error("regress --list --suite " + in("suite.json"), message);
  }
}

// tools/synth.py writes RTL parameters into a Yosys script, where `;` ends a command and `!` runs a
// shell: a parameter that is not an integer is refused before Yosys starts.
TEST_F(BadInputs, SynthScriptTakesOnlyIntegerParameters) {
  nlohmann::json c = small_config();
  c["rtl"]["PeOut"] = "8; !touch " + dir_.file("ran");
  write_json(in("injected.json"), c);
  const std::string command = "python3 " + std::string(ERNSIM_SOURCE_DIR) + "/tools/synth.py --config " +
                              in("injected.json") + " --top ern_accel --json " + out("s.json") + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  std::array<char, 4096> buffer;
  for (size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) output.append(buffer.data(), n);
  EXPECT_NE(pclose(pipe), 0);
  EXPECT_THAT(output, ::testing::HasSubstr("rtl.PeOut must be an integer"));
  EXPECT_FALSE(fs::exists(dir_.file("ran")));
}

// The extremes of the memory ranges are legal, so they must finish (the test's timeout is the bound).
TEST_F(BadInputs, ExtremeMemorySystemsFinish) {
  const CommandResult r =
      run_ernsim("estimate --model zoo:ERNs18 --size 64 --mem-bytes-per-cycle 1 --mem-latency 10000", 120);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, ::testing::HasSubstr("FPS"));
}

// Every attribute, initializer and input the importer relies on is checked for type, value and
// version; each file here is also in the fuzz corpus (tests/data/fuzz/onnx/import-*.onnx).
TEST_F(BadInputs, OnnxAttributesInitializersAndInputs) {
  auto set_opset = [](GraphWriter& g, int64_t version) { g.set_opset("", version); };
  auto bn = [](GraphWriter& g) { return g.node("block.act0.bn"); };
  const std::vector<std::tuple<std::string, std::function<void(GraphWriter&)>, std::string>> cases = {
      {"int-epsilon",
       [&](GraphWriter& g) {
         auto* eps = g.attr("block.act0.bn", "epsilon");
         eps->set_type(onnx::AttributeProto::INT);
         eps->set_i(1);
       },
       "node /block.act0.bn/BatchNormalization (BatchNormalization): attribute epsilon must be FLOAT, is INT"},
      {"infinite-epsilon", [&](GraphWriter& g) { g.attr("block.act0.bn", "epsilon")->set_f(INFINITY); },
       "node /block.act0.bn/BatchNormalization (BatchNormalization): attribute epsilon = inf is not finite"},
      {"negative-epsilon", [&](GraphWriter& g) { g.attr("block.act0.bn", "epsilon")->set_f(-1); },
       "epsilon = -1 is negative"},
      {"spatial-0-opset-8",
       [&](GraphWriter& g) {
         set_opset(g, 8);
         GraphWriter::int_attr(bn(g), "spatial", 0);
       },
       "(BatchNormalization): spatial = 0 (per-element statistics) is not supported"},
      {"spatial-opset-11", [&](GraphWriter& g) { GraphWriter::int_attr(bn(g), "spatial", 1); },
       "attribute spatial does not exist in opset 11"},
      {"training-mode-opset-11", [&](GraphWriter& g) { GraphWriter::int_attr(bn(g), "training_mode", 0); },
       "attribute training_mode does not exist in opset 11"},
      {"opset-1", [&](GraphWriter& g) { set_opset(g, 1); }, "ONNX opset 1 is not supported (7 to 21"},
      {"opset-99", [&](GraphWriter& g) { set_opset(g, 99); }, "ONNX opset 99 is not supported"},
      {"lm-version-1", [&](GraphWriter& g) { g.set_opset("lm", 1); },
       "node /pixel_embedding/PixelEmbeddingV3 (PixelEmbeddingV3): custom domain lm version 1 is not supported"},
      {"duplicate-initializer",
       [&](GraphWriter& g) {
         onnx::TensorProto copy;
         for (const auto& t : g.graph().initializer()) {
           if (t.name() == "block.conv1.weight") copy = t;
         }
         g.graph().add_initializer()->CopyFrom(copy);
       },
       "initializer block.conv1.weight is defined twice"},
      {"constant-shadows-initializer", [&](GraphWriter& g) { g.constant("block.conv1.weight", 1.0f); },
       "output block.conv1.weight is defined twice"},
      {"one-colour",
       [&](GraphWriter& g) {
         g.graph()
             .mutable_input(0)
             ->mutable_type()
             ->mutable_tensor_type()
             ->mutable_shape()
             ->mutable_dim(1)
             ->set_dim_value(1);
       },
       "input image has 1 colour channels; ERN images are N x 3 x H x W"},
      {"four-colours",
       [&](GraphWriter& g) {
         g.graph()
             .mutable_input(0)
             ->mutable_type()
             ->mutable_tensor_type()
             ->mutable_shape()
             ->mutable_dim(1)
             ->set_dim_value(4);
       },
       "input image has 4 colour channels"},
      {"int-weights",
       [&](GraphWriter& g) {
         for (auto& t : *g.graph().mutable_initializer()) {
           if (t.name() != "block.conv1.weight") continue;
           for (float v : t.float_data()) t.add_int32_data(v >= 0 ? 1 : -1);
           t.clear_float_data();
           t.set_data_type(onnx::TensorProto::INT32);
         }
       },
       "input block.conv1.weight must hold real numbers (FLOAT or DOUBLE), has data type INT32"},
      {"ints-group",
       [&](GraphWriter& g) {
         auto* group = g.attr("block.conv1", "group");
         group->set_type(onnx::AttributeProto::INTS);
         group->add_ints(1);
       },
       "node /block.conv1/Conv (Conv): attribute group must be INT, is INTS"},
      {"float-k",
       [&](GraphWriter& g) {
         auto* k = g.attr("pixel_embedding", "k");
         k->set_type(onnx::AttributeProto::FLOAT);
         k->set_f(2);
       },
       "attribute k must be INT, is FLOAT"},
      {"int-strides",
       [&](GraphWriter& g) {
         auto* strides = g.attr("block.conv1", "strides");
         strides->set_type(onnx::AttributeProto::INT);
         strides->set_i(1);
       },
       "attribute strides must be INTS, is INT"},
      {"two-outputs", [&](GraphWriter& g) { g.node("block.conv1")->add_output("block.conv1.extra"); },
       "node /block.conv1/Conv (Conv): expected one output, got 2"},
  };
  for (const auto& [name, mutate, message] : cases) {
    SCOPED_TRACE(name);
    const std::string file = in("import-" + name + ".onnx");
    write_bytes(file, small_ern(mutate));
    expect_error("infer --model " + file + " --output " + out("logits.npy"), message);
  }
}

// Inputs the fuzzers found interesting (tests/data/fuzz): each is rejected with an Error or
// imports; never a crash (this test runs under the sanitizer build too).
TEST(FuzzRegressions, OnnxInputsAreRejectedCleanly) {
  const fs::path dir = fs::path(ERNSIM_SOURCE_DIR) / "tests/data/fuzz/onnx";
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
    ++files;
    // import-*: the forms BadInputs.OnnxAttributesInitializersAndInputs refuses; they must stay refused.
    const bool must_fail = e.path().filename().string().rfind("import-", 0) == 0;
    try {
      import_onnx(e.path().string());
      EXPECT_FALSE(must_fail) << e.path() << " imported";
    } catch (const Error& error) {
      EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << e.path();
    }
  }
  EXPECT_GE(files, 1) << dir;
}

TEST(FuzzRegressions, QonnxInputsAreRejectedCleanly) {
  const fs::path dir = fs::path(ERNSIM_SOURCE_DIR) / "tests/data/fuzz/qonnx";
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
    ++files;
    try {
      heq::import_qonnx(e.path().string());
    } catch (const Error& error) {
      EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << e.path();
    }
  }
  EXPECT_GE(files, 1) << dir;
}

TEST(FuzzRegressions, NpyInputsAreRejectedCleanly) {
  const fs::path dir = fs::path(ERNSIM_SOURCE_DIR) / "tests/data/fuzz/npy";
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
    ++files;
    try {
      const NpyArray a = read_npy(e.path().string());
      EXPECT_EQ(static_cast<int64_t>(a.bytes.size()), a.element_count() * static_cast<int64_t>(npy_item_size(a.type)));
    } catch (const Error& error) {
      EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << e.path();
    }
  }
  EXPECT_GE(files, 1) << dir;
}

}  // namespace
}  // namespace ernsim
