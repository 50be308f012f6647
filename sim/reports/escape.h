// Text as the report formats need it: XML 1.0 (JUnit, SVG) and CSV fields.
#pragma once

#include <string>

namespace ernsim {

// Text for XML 1.0 content and attributes. XML 1.0 has no way to write most control characters
// (not even as &#x1;) nor bytes that are not UTF-8: those become a visible \xNN.
std::string xml_escape(const std::string& text);

// A CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

}  // namespace ernsim
