// "Did you mean ...?": the valid name closest to a misspelt one, for errors that name a key, a
// configuration, a fixture or a model.
#pragma once

#include <string>
#include <vector>

namespace ernsim {

// The candidate with the smallest edit distance to `name` (case-insensitive), if it is close enough
// to be a likely typo (at most a third of the name's length, at least 2) or `name` begins it; else "".
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

// " (did you mean 'X'?)" for closest_name's answer, or "" when there is none.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace ernsim
