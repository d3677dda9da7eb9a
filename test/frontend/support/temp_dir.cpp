// temp_dir.cpp — temporary directories, scoped environment variables, the fake-HOME fixture.
#include "support/temp_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

extern char** environ;  // NOLINT: POSIX declares it but no header is required to

namespace sfq::test_support {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/sfq-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  // Tests may leave unreadable directories behind; make them removable first.
  for (auto it = std::filesystem::recursive_directory_iterator(
           path_, std::filesystem::directory_options::skip_permission_denied, ignored);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ignored)) {
    if (it->is_directory(ignored)) ::chmod(it->path().c_str(), 0700);
  }
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::at(std::string_view relative) const {
  return path_ + "/" + std::string(relative);
}

std::string TempDir::write_file(std::string_view relative, std::string_view content,
                                mode_t mode) const {
  std::string path = at(relative);
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << content;
  }
  if (::chmod(path.c_str(), mode) != 0) throw std::runtime_error("cannot chmod " + path);
  return path;
}

std::string TempDir::make_dir(std::string_view relative, mode_t mode) const {
  std::string path = at(relative);
  std::filesystem::create_directories(path);
  if (::chmod(path.c_str(), mode) != 0) throw std::runtime_error("cannot chmod " + path);
  return path;
}

ScopedEnv::~ScopedEnv() {
  // Reverse order: a variable touched twice ends up with its original value.
  for (std::size_t i = saved_.size(); i-- > 0;) {
    const auto& [name, value] = saved_[i];
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
}

void ScopedEnv::remember(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  saved_.emplace_back(name, value != nullptr ? std::optional<std::string>(value) : std::nullopt);
}

void ScopedEnv::set(const std::string& name, const std::string& value) {
  remember(name);
  ::setenv(name.c_str(), value.c_str(), 1);
}

void ScopedEnv::unset(const std::string& name) {
  remember(name);
  ::unsetenv(name.c_str());
}

void ScopedEnv::isolate_from_user_configuration() {
  std::vector<std::string> names;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string name(text.substr(0, text.find('=')));
    for (const std::string_view prefix : {"SNOWFLAKE_", "SNOWSQL_", "SFQ_", "SF_SKIP_"}) {
      if (name.rfind(prefix, 0) == 0) names.push_back(name);
    }
  }
  for (const char* name :
       {"PRIVATE_KEY_PASSPHRASE", "SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION", "XDG_CONFIG_HOME"}) {
    names.emplace_back(name);
  }
  for (const auto& name : names) unset(name);
}

void FakeHomeTest::SetUp() {
  home_ = temp_.make_dir("home");
  env_.isolate_from_user_configuration();
  env_.set("HOME", home_);
}

}  // namespace sfq::test_support
