// replay_main.cpp — the main of the fuzz targets' replay programs (fuzz_replay_<name>), built in
// the test trees (test/fuzz/CMakeLists.txt) with the compiler and sanitizers of the tree rather
// than clang's libFuzzer. It runs the target's LLVMFuzzerTestOneInput once on every file named
// on the command line, or found (sorted by name) in a directory named there — as libFuzzer does
// with a corpus directory and no time to fuzz. A sanitizer report stops the program; so every
// seed, and every input that once crashed a target, stays a test that tools/test runs.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// The files to replay: each file argument, and the regular files of each directory argument.
bool collect(const char* argument, std::vector<fs::path>& files) {
  std::error_code error;
  const fs::path path(argument);
  if (fs::is_regular_file(path, error)) {
    files.push_back(path);
    return true;
  }
  if (!fs::is_directory(path, error)) {
    std::fprintf(stderr, "fuzz replay: %s is neither a file nor a directory\n", argument);
    return false;
  }
  std::vector<fs::path> found;
  for (fs::directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
    if (it->is_regular_file(error)) found.push_back(it->path());
  }
  if (error) {
    std::fprintf(stderr, "fuzz replay: cannot read the directory %s: %s\n", argument,
                 error.message().c_str());
    return false;
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
  return true;
}

bool read_file(const fs::path& path, std::vector<std::uint8_t>& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (!collect(argv[i], files)) return 2;
  }
  if (files.empty()) {
    std::fprintf(stderr, "fuzz replay: no input to replay\n");
    return 1;
  }
  std::vector<std::uint8_t> bytes;
  for (const fs::path& file : files) {
    if (!read_file(file, bytes)) {
      std::fprintf(stderr, "fuzz replay: cannot read %s\n", file.c_str());
      return 2;
    }
    // The data pointer of an empty input is still valid, as libFuzzer's is.
    const std::uint8_t empty = 0;
    LLVMFuzzerTestOneInput(bytes.empty() ? &empty : bytes.data(), bytes.size());
  }
  std::printf("fuzz replay: %zu inputs replayed\n", files.size());
  return 0;
}
