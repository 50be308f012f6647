#include "models/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "models/error.h"

namespace ernsim {

namespace {

int g_output_fd = STDOUT_FILENO;  // where "-" goes

std::string errno_message(int error) { return std::strerror(error); }

// Writes every part; 0 or the errno of the failure.
int write_parts(int fd, std::initializer_list<std::string_view> parts) {
  for (std::string_view part : parts) {
    while (!part.empty()) {
      const ssize_t n = ::write(fd, part.data(), part.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      part.remove_prefix(static_cast<size_t>(n));
    }
  }
  return 0;
}

bool is_system_path(const std::string& path) { return path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0; }

// The file a chain of symlinks names (the path itself when it is not a link); the target need not exist.
std::string resolve_links(const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    std::error_code ec;
    const std::filesystem::path target = std::filesystem::read_symlink(p, ec);
    if (ec) fail("{}: cannot read the symlink {}: {}", path, p, ec.message());
    p = target.is_absolute() ? target.string() : (std::filesystem::path(p).parent_path() / target).string();
  }
  fail("{}: too many levels of symbolic links", path);
}

// Special files and system paths are written in place: replacing them would break them.
void write_in_place(const std::string& path, bool regular, std::initializer_list<std::string_view> parts) {
  // A regular file behind /dev/stdout is the shell's redirection: append, do not truncate what ernsim printed.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | (regular ? O_APPEND : 0));
  if (fd < 0) fail("{}: cannot open for writing: {}", path, errno_message(errno));
  int error = write_parts(fd, parts);
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error) fail("{}: cannot write: {}", path, errno_message(error));
}

void write_atomically(const std::string& path, const std::string& target,
                      std::initializer_list<std::string_view> parts) {
  struct stat st;
  const bool exists = ::stat(target.c_str(), &st) == 0;
  // rename() would replace a file the user may not write; refuse it like any other writer would.
  if (exists && ::access(target.c_str(), W_OK) != 0) fail("{}: cannot write: {}", path, errno_message(errno));
  std::string dir = std::filesystem::path(target).parent_path().string();
  if (dir.empty()) dir = ".";
  // A short temporary name: the target's own name may already be as long as a name can be.
  std::string temporary = dir + "/.ernsim-XXXXXX";
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) fail("{}: cannot create a temporary file in {}: {}", path, dir, errno_message(errno));
  mode_t mode;
  if (exists) {
    mode = st.st_mode & 07777;
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  }
  int error = ::fchmod(fd, mode) != 0 ? errno : 0;
  if (!error) error = write_parts(fd, parts);
  // The data must be on the disk before the rename makes it the file (a full disk shows up here too).
  if (!error && ::fsync(fd) != 0 && errno != EINVAL) error = errno;
  if (::close(fd) != 0 && !error) error = errno;
  if (!error && ::rename(temporary.c_str(), target.c_str()) != 0) error = errno;
  if (error) {
    ::unlink(temporary.c_str());
    fail("{}: cannot write: {}", path, errno_message(error));
  }
}

}  // namespace

void write_output_file(const std::string& path, std::initializer_list<std::string_view> parts) {
  if (path.empty()) fail("an output path is empty");
  if (path == "-") {
    std::fflush(stdout);
    if (const int error = write_parts(g_output_fd, parts))
      fail("standard output: cannot write: {}", errno_message(error));
    return;
  }
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) fail("{}: is a directory", path);
    if (!S_ISREG(st.st_mode) || is_system_path(path)) return write_in_place(path, S_ISREG(st.st_mode), parts);
  }
  write_atomically(path, resolve_links(path), parts);
}

void write_text_file(const std::string& path, const std::string& text, const std::string& option) {
  try {
    write_output_file(path, text);
  } catch (const Error& e) {
    fail("{} {}", option, e.what());
  }
}

void check_output_file(const std::string& path) {
  if (path.empty()) fail("an output path is empty");
  if (path == "-") return;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) fail("{}: is a directory", path);
    return;
  }
  const std::filesystem::path parent = std::filesystem::path(resolve_links(path)).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    fail("{}: directory {} does not exist", path, parent.string());
  }
}

void reserve_stdout_for_output() {
  if (g_output_fd != STDOUT_FILENO) return;
  std::fflush(stdout);
  const int saved = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (saved < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
    fail("cannot redirect standard output: {}", errno_message(errno));
  g_output_fd = saved;
}

CreatedOutputs::~CreatedOutputs() {
  for (auto it = paths_.rbegin(); it != paths_.rend(); ++it) {
    std::error_code ec;
    std::filesystem::remove(*it, ec);  // a directory only goes when empty: never the user's files
  }
}

}  // namespace ernsim
