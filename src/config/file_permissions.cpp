// file_permissions.cpp — Snowflake's permission checks on credential-bearing files.
#include "config/file_permissions.hpp"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstdio>

namespace sfq::config {
namespace {

// Every variable Snowflake's tools accept to silence the "readable by others" warning; see the
// header for where each comes from.
constexpr std::array<std::string_view, 3> kSkipVariables = {
    kSkipPermissionWarningVariable,
    "SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION",
    "SF_SKIP_WARNING_FOR_READ_PERMISSIONS_ON_CONFIG_FILE",
};

bool skip_requested(const Environment& env) {
  for (const auto name : kSkipVariables) {
    if (env.is_true(name)) return true;
  }
  return false;
}

}  // namespace

std::string format_mode(unsigned mode) {
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "%04o", mode & 07777U);
  return text.data();
}

std::string shell_quote(std::string_view path) {
  std::string quoted = "\"";
  for (const char c : path) {
    if (c == '"' || c == '\\' || c == '$' || c == '`') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string FileCheck::summary() const {
  if (!accessible) return "not accessible (a parent directory cannot be searched), skipped";
  if (!exists) return "not found";
  std::string text = format_mode(mode);
  if (!regular) return text + " not a regular file";
  switch (safety) {
    case FileSafety::error:
      return text + " ERROR: writable by group or others";
    case FileSafety::warning:
      return text + (group_or_other_readable
                         ? " WARNING: readable by group or others"
                         : " WARNING: owned by another user (uid " + std::to_string(owner) + ")");
    case FileSafety::ok:
      break;
  }
  if (warning_skipped) {
    return text + " ok (bad owner or permissions, warning skipped by " +
           std::string(kSkipPermissionWarningVariable) + ")";
  }
  return text + " ok";
}

FileCheck check_file_permissions(std::string path, std::string role, const Environment& env) {
  FileCheck check;
  check.path = std::move(path);
  check.role = std::move(role);
  struct stat info {};
  if (::stat(check.path.c_str(), &info) != 0) {
    // EACCES: a directory on the way cannot be searched. The connector skips such a file
    // (PermissionError from exists()), so it counts as absent here too.
    check.accessible = errno != EACCES;
    return check;
  }
  check.exists = true;
  check.regular = S_ISREG(info.st_mode);
  check.mode = static_cast<unsigned>(info.st_mode) & 07777U;
  check.owner = info.st_uid;
  check.group_or_other_readable = (info.st_mode & (S_IRGRP | S_IROTH)) != 0;
  check.foreign_owner = info.st_uid != 0 && info.st_uid != env.uid;
  const auto quoted = shell_quote(check.path);

  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    check.safety = FileSafety::error;
    check.message = check.role + " " + quoted + " is writable by group or others (mode " +
                    format_mode(check.mode) +
                    "): anyone who can change it can change where sfq connects and with which "
                    "credentials. Fix: chmod 0600 " +
                    quoted;
    return check;
  }
  if (check.group_or_other_readable || check.foreign_owner) {
    if (skip_requested(env)) {
      check.warning_skipped = true;
      return check;
    }
    check.safety = FileSafety::warning;
    std::string what;
    if (check.group_or_other_readable) {
      what = "readable by group or others (mode " + format_mode(check.mode) + ")";
    }
    if (check.foreign_owner) {
      if (!what.empty()) what += " and ";
      what += "owned by another user (uid " + std::to_string(check.owner) + ")";
    }
    check.message = "bad owner or permissions on " + check.role + " " + quoted + ": " + what +
                    ". To restrict permissions, run `chmod 0600 " + quoted +
                    "`; to change the owner, run `chown $USER " + quoted +
                    "`; to skip this warning, set " + std::string(kSkipPermissionWarningVariable) +
                    "=true";
  }
  return check;
}

}  // namespace sfq::config
