// log.cpp — the "sfq" spdlog logger: standard error only, every message redacted.
#include "util/log.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include "sfq/log.hpp"
#include "util/text.hpp"

namespace sfq {
namespace detail {
namespace {

// Redacts the payload, then hands the message to the stderr sink.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  RedactingSink() : inner_(std::make_shared<spdlog::sinks::stderr_color_sink_st>()) {
    inner_->set_pattern("sfq: %^%l%$: %v");
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string clean = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy(msg);
    copy.payload = spdlog::string_view_t(clean.data(), clean.size());
    inner_->log(copy);
  }
  void flush_() override { inner_->flush(); }
  void set_pattern_(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

 private:
  std::shared_ptr<spdlog::sinks::stderr_color_sink_st> inner_;
};

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return spdlog::level::trace;
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
    case LogLevel::off:
      return spdlog::level::off;
  }
  return spdlog::level::warn;
}

}  // namespace

spdlog::logger& logger() {
  // Not registered in spdlog's global registry: an application's own spdlog set-up (for example
  // set_level on the default logger) must not change ours, nor ours theirs.
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto made = std::make_shared<spdlog::logger>("sfq", std::make_shared<RedactingSink>());
    made->set_level(spdlog::level::warn);
    made->flush_on(spdlog::level::trace);
    return made;
  }();
  return *instance;
}

}  // namespace detail

std::optional<LogLevel> parse_log_level(std::string_view text) noexcept {
  const std::string lowered = util::lower(text);
  if (lowered == "trace") return LogLevel::trace;
  if (lowered == "debug") return LogLevel::debug;
  if (lowered == "info") return LogLevel::info;
  if (lowered == "warn" || lowered == "warning") return LogLevel::warn;
  if (lowered == "error") return LogLevel::error;
  if (lowered == "off" || lowered == "none") return LogLevel::off;
  return std::nullopt;
}

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::trace:
      return "trace";
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
    case LogLevel::off:
      return "off";
  }
  return "warn";
}

void set_log_level(LogLevel level) { detail::logger().set_level(detail::to_spdlog(level)); }

LogLevel log_level() {
  switch (detail::logger().level()) {
    case spdlog::level::trace:
      return LogLevel::trace;
    case spdlog::level::debug:
      return LogLevel::debug;
    case spdlog::level::info:
      return LogLevel::info;
    case spdlog::level::warn:
      return LogLevel::warn;
    case spdlog::level::err:
    case spdlog::level::critical:
      return LogLevel::error;
    default:
      return LogLevel::off;
  }
}

Status configure_logging_from_env() {
  const char* value = std::getenv("SFQ_LOG");
  if (value == nullptr || *value == '\0') return {};
  const auto level = parse_log_level(value);
  if (!level) {
    return Error(ErrorCategory::config,
                 "SFQ_LOG='" + redact(value) +
                     "' is not a log level; use trace, debug, info, warn, error or off");
  }
  set_log_level(*level);
  return {};
}

void log_message(LogLevel level, std::string_view message) {
  detail::logger().log(detail::to_spdlog(level), "{}", message);
}

}  // namespace sfq
