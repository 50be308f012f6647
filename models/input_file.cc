#include "models/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "models/error.h"

namespace ernsim {

namespace {

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

}  // namespace

FilePtr open_input_file(const std::string& path, const std::string& what, uint64_t max_bytes, uint64_t* size) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) fail("{}: cannot open {}: {}", path, what, std::strerror(errno));
  struct stat status {};
  if (fstat(fd, &status) != 0) {
    const int error = errno;
    ::close(fd);
    fail("{}: cannot open {}: {}", path, what, std::strerror(error));
  }
  if (!S_ISREG(status.st_mode)) {
    ::close(fd);
    fail("{}: is {}, not a regular file ({} expected)", path, file_kind(status.st_mode), what);
  }
  const uint64_t bytes = static_cast<uint64_t>(status.st_size);
  if (bytes > max_bytes) {
    ::close(fd);
    fail("{}: {} of {} bytes is larger than the {} bytes allowed", path, what, bytes, max_bytes);
  }
  // Regular files never block; clear the flag so that reads behave normally.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  FILE* file = fdopen(fd, "rb");
  if (!file) {
    ::close(fd);
    fail("{}: cannot open {}: {}", path, what, std::strerror(errno));
  }
  if (size) *size = bytes;
  return FilePtr(file);
}

std::string read_input_file(const std::string& path, const std::string& what, uint64_t max_bytes) {
  uint64_t size = 0;
  const FilePtr file = open_input_file(path, what, max_bytes, &size);
  std::string bytes;
  bytes.resize(static_cast<size_t>(size));
  const size_t got = std::fread(bytes.data(), 1, bytes.size(), file.get());
  if (std::ferror(file.get())) fail("{}: cannot read {}: {}", path, what, std::strerror(errno));
  bytes.resize(got);  // read no further than the size it had: a growing file stays bounded
  return bytes;
}

std::string read_text_file(const std::string& path, const std::string& option, uint64_t max_bytes) {
  try {
    return read_input_file(path, "file", max_bytes);
  } catch (const Error& e) {
    fail("{} {}", option, e.what());
  }
}

nlohmann::json parse_json_file(const std::string& path, const std::string& what) {
  const std::string text = read_input_file(path, what, kMaxJsonBytes);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: not valid JSON ({})", path, e.what());
  }
}

}  // namespace ernsim
