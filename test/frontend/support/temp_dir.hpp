// temp_dir.hpp — test helpers shared by the front-end tests: a temporary directory that removes
// itself, scoped environment variables that restore themselves, and a fixture that gives each
// test a fresh, empty HOME with no Snowflake/sfq variables inherited from the developer's shell.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfq::test_support {

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  /// path()/relative.
  [[nodiscard]] std::string at(std::string_view relative) const;
  /// Writes `content` to path()/relative (creating parent directories, mode 0700) with exactly
  /// `mode` (the umask does not apply). Returns the absolute path.
  std::string write_file(std::string_view relative, std::string_view content,
                         mode_t mode = 0600) const;
  /// Creates path()/relative and its parents; returns the absolute path.
  std::string make_dir(std::string_view relative, mode_t mode = 0700) const;

 private:
  std::string path_;
};

/// Sets and unsets process environment variables; the destructor restores every variable it
/// touched to its previous state, in reverse order.
class ScopedEnv {
 public:
  ScopedEnv() = default;
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

  void set(const std::string& name, const std::string& value);
  void unset(const std::string& name);
  /// Unsets every variable that configures Snowflake tools or sfq: SNOWFLAKE_*, SNOWSQL_*,
  /// SFQ_*, PRIVATE_KEY_PASSPHRASE, the permission-check skip switches and XDG_CONFIG_HOME.
  void isolate_from_user_configuration();

 private:
  void remember(const std::string& name);
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

/// A fixture with an empty temporary HOME (temp_.at("home")) set in the process environment,
/// and no inherited Snowflake/sfq configuration variables.
class FakeHomeTest : public ::testing::Test {
 protected:
  void SetUp() override;

  TempDir temp_;
  ScopedEnv env_;
  std::string home_;
};

}  // namespace sfq::test_support
