// The report writer and formats (sim/reports): counts stay integers in the JSON and exact in the
// CSV, every report carries its provenance, and text is escaped for XML and CSV.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/input_file.h"
#include "sim/reports/escape.h"
#include "sim/reports/report.h"

namespace ernsim {
namespace {

std::vector<LayerRunReport> two_layers() {
  LayerRunReport a;
  a.index = 0;
  a.name = "conv, \"first\"";
  a.jobs = 3;
  a.cycles = 12345678901;
  a.compute_cycles = 12000000000;
  a.macs = 987654321;
  a.utilization = 0.25;
  LayerRunReport b = a;
  b.index = 1;
  b.name = "fc";
  return {a, b};
}

TEST(Reports, LayerCsvWritesLargeCountsExactly) {
  const std::string csv = layer_csv(two_layers(), {{"estimated_cycles", {12345678902, 7}}});
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "index,name,jobs,cycles,compute_cycles,load_stall_cycles,store_stall_cycles,bytes_read,bytes_written,macs,"
            "utilization,estimated_cycles");
  EXPECT_NE(csv.find("0,\"conv, \"\"first\"\"\",3,12345678901,12000000000,0,0,0,0,987654321,0.250000,12345678902\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("1,fc,3,12345678901,12000000000,0,0,0,0,987654321,0.250000,7\n"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("e+"), std::string::npos) << csv;
}

TEST(Reports, JsonReportCarriesProvenanceAndKeepsCountsInteger) {
  const HwConfig config = load_hw_config("default");
  JsonReport report(&config);
  report.add_layers(two_layers(), {{"estimated_cycles", {12345678902, 7}}});
  report.add_throughput(throughput(config, two_layers(), 24691357802, 250), config);
  const std::string path = ::testing::TempDir() + "/reports_test.json";
  report.write(path);
  const nlohmann::json j = parse_json_file(path, "report");
  ASSERT_TRUE(j.contains("provenance"));
  EXPECT_EQ(j["provenance"]["schema_version"], kReportSchemaVersion);
  EXPECT_EQ(j["provenance"]["config_digest"], hw_config_digest(config));
  ASSERT_EQ(j["layers"].size(), 2u);
  for (const char* key : {"cycles", "compute_cycles", "macs", "jobs", "estimated_cycles"}) {
    EXPECT_TRUE(j["layers"][0][key].is_number_integer()) << key;
  }
  EXPECT_EQ(j["layers"][0]["estimated_cycles"].get<int64_t>(), 12345678902);
  EXPECT_TRUE(j["total_cycles"].is_number_integer());
  EXPECT_TRUE(j["macs"].is_number_integer());
  EXPECT_EQ(j["macs"].get<int64_t>(), 2 * 987654321);
}

TEST(Reports, XmlEscapeKeepsUtf8AndShowsWhatXmlCannotHold) {
  EXPECT_EQ(xml_escape("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
  EXPECT_EQ(xml_escape("\x01 tab\t"), "\\x01 tab\t");
  EXPECT_EQ(xml_escape("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(xml_escape("bad \xff byte"), "bad \\xff byte");
}

TEST(Reports, CsvFieldQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
}

}  // namespace
}  // namespace ernsim
