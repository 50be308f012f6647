// Writing a result file the way a user expects (README.md, "Output files"): nothing partial, nothing
// replaced that is not a file.
//  - "-" is standard output; reserve_stdout_for_output() then moves everything else ernsim prints
//    there over to standard error, so `--report - | jq` sees only the report.
//  - A regular file (or a new one) is written to a temporary file beside it and renamed over it: a
//    failed write leaves the previous file intact. An existing file keeps its permissions.
//  - A symlink is written through: its final target is replaced atomically, the link stays.
//  - A character device, FIFO or socket, and anything under /dev/ or /proc/ (such as /dev/stdout), is
//    opened and written directly, never replaced.
// Every failure (a full disk, a missing directory, no permission) throws Error "PATH: reason".
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ernsim {

void write_output_file(const std::string& path, std::initializer_list<std::string_view> parts);
inline void write_output_file(const std::string& path, std::string_view text) { write_output_file(path, {text}); }

// Writes a whole file with write_output_file or fails naming the command's `option` and the path;
// never leaves a partial file.
void write_text_file(const std::string& path, const std::string& text, const std::string& option);

// Fails unless `path` can be written later: "-", an existing file or special file that is not a
// directory, or a new name in an existing directory. Checked before long work starts.
void check_output_file(const std::string& path);

// From here on, "-" outputs go to the original standard output and what ernsim prints to standard
// output goes to standard error. Idempotent.
void reserve_stdout_for_output();

// Files (and directories) a command creates one after another, removed again unless keep() is
// called: a command that fails half way leaves no partial result behind.
class CreatedOutputs {
 public:
  CreatedOutputs() = default;
  CreatedOutputs(const CreatedOutputs&) = delete;
  CreatedOutputs& operator=(const CreatedOutputs&) = delete;
  ~CreatedOutputs();
  // Records `path`, created by the caller; removal goes in reverse order (files before their directory).
  void add(const std::string& path) { paths_.push_back(path); }
  void keep() { paths_.clear(); }

 private:
  std::vector<std::string> paths_;
};

}  // namespace ernsim
