// fuzz_config.cpp — libFuzzer target: the TOML configuration loader (src/config/config_files.hpp)
// on any text, read both as a --config-file (config.toml: default_connection_name, connections,
// the [sfq] table) and as the SNOWFLAKE_CONNECTIONS variable. The file lives in a private
// temporary directory that is also $SNOWFLAKE_HOME (with no connections.toml in it).
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "config/config_files.hpp"

namespace {

struct Directory {
  std::string path;
  std::string file;

  Directory() {
    char pattern[] = "/tmp/sfq-fuzz-config-XXXXXX";
    if (mkdtemp(pattern) == nullptr) std::abort();
    path = pattern;
    file = path + "/config.toml";
  }
  ~Directory() {
    unlink(file.c_str());
    rmdir(path.c_str());
  }
};

void write_file(const std::string& path, std::string_view text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) std::abort();
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
  close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Directory dir;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  sfq::config::Environment env;
  env.home = dir.path;
  env.uid = getuid();
  env.variables["SNOWFLAKE_HOME"] = dir.path;

  write_file(dir.file, text);
  (void)sfq::config::load_config_files(env, dir.file);

  env.variables["SNOWFLAKE_CONNECTIONS"] = std::string(text);
  (void)sfq::config::load_config_files(env, std::nullopt);
  return 0;
}
