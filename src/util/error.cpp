// error.cpp — sfq::Error: the one-line description people read.
#include "sfq/error.hpp"

namespace sfq {
namespace {

std::string describe(const ErrorInfo& info) {
  std::string text =
      info.message.empty() ? std::string(to_string(info.category)) + " error" : info.message;
  std::string details;
  auto add = [&details](std::string_view label, std::string_view value) {
    if (value.empty()) return;
    details += details.empty() ? "" : ", ";
    details += label;
    details += ' ';
    details += value;
  };
  add("code", info.code);
  add("SQLSTATE", info.sql_state);
  add("query id", info.statement_handle);
  // Not when the message already opens with it ("HTTP 400 while submitting the statement").
  if (info.http_status != 0) {
    const std::string status = std::to_string(info.http_status);
    if (!text.starts_with("HTTP " + status + " ")) add("HTTP", status);
  }
  if (!details.empty()) text += " (" + details + ")";
  return text;
}

}  // namespace

std::string_view to_string(ErrorCategory category) noexcept {
  switch (category) {
    case ErrorCategory::config:
      return "config";
    case ErrorCategory::auth:
      return "auth";
    case ErrorCategory::transport:
      return "transport";
    case ErrorCategory::protocol:
      return "protocol";
    case ErrorCategory::server:
      return "server";
    case ErrorCategory::cancelled:
      return "cancelled";
    case ErrorCategory::timeout:
      return "timeout";
  }
  return "unknown";
}

std::string_view to_string(ErrorDetail detail) noexcept {
  switch (detail) {
    case ErrorDetail::none:
      return "none";
    case ErrorDetail::cannot_connect:
      return "cannot_connect";
    case ErrorDetail::client_deadline:
      return "client_deadline";
    case ErrorDetail::server_timeout:
      return "server_timeout";
    case ErrorDetail::stalled:
      return "stalled";
    case ErrorDetail::callback:
      return "callback";
    case ErrorDetail::untrusted_certificate:
      return "untrusted_certificate";
  }
  return "unknown";
}

Error::Error(ErrorCategory category, std::string message, ErrorDetail detail)
    : Error(ErrorInfo{category, std::move(message), {}, {}, {}, 0}, detail) {}

Error::Error(ErrorInfo info, ErrorDetail detail)
    : info_(std::make_shared<const ErrorInfo>(std::move(info))),
      what_(std::make_shared<const std::string>(describe(*info_))),
      detail_(detail) {}

Error Error::with_context(std::string_view context) const {
  ErrorInfo copy = *info_;
  copy.message = std::string(context) + ": " + copy.message;
  return Error(std::move(copy), detail_);
}

Error Error::with_detail(ErrorDetail detail) const {
  Error copy = *this;
  copy.detail_ = detail;
  return copy;
}

}  // namespace sfq
