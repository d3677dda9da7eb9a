// log.hpp (internal) — the library's logger. Use the SFQ_LOG_* macros so that the arguments are
// not formatted when the level is disabled. Messages are redacted by the sink, see sfq/log.hpp.
#pragma once

#include <spdlog/spdlog.h>

namespace sfq::detail {

/// The "sfq" logger: stderr only, redacting, default level warn. Created on first use.
spdlog::logger& logger();

}  // namespace sfq::detail

#define SFQ_LOG_TRACE(...) ::sfq::detail::logger().trace(__VA_ARGS__)
#define SFQ_LOG_DEBUG(...) ::sfq::detail::logger().debug(__VA_ARGS__)
#define SFQ_LOG_INFO(...) ::sfq::detail::logger().info(__VA_ARGS__)
#define SFQ_LOG_WARN(...) ::sfq::detail::logger().warn(__VA_ARGS__)
#define SFQ_LOG_ERROR(...) ::sfq::detail::logger().error(__VA_ARGS__)
