#include "sim/regress/junit.h"

#include <fmt/core.h>

#include <algorithm>

#include "sim/reports/escape.h"

namespace ernsim {

namespace {

std::string tail_lines(const std::string& text, int lines) {
  size_t pos = text.size();
  if (pos && text[pos - 1] == '\n') --pos;
  for (int n = 0; n < lines && pos != std::string::npos && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
}

}  // namespace

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
      xml += fmt::format("      <{} message=\"{}\" type=\"{}\">{}\n{}</{}>\n", element,
                         xml_escape(i.failures.front().what), failure_kind_name(i.failures.front().kind),
                         xml_escape(body), xml_escape(tail_lines(i.output, 40)), element);
    }
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace ernsim
