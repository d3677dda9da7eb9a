// faults.cpp — fault parsing (flag and JSON forms) and matching.
#include "faults.hpp"

#include <charconv>

#include "engine/json.hpp"
#include "text.hpp"

namespace mock_snowflake {

namespace {

bool parse_int(std::string_view text, long long& out) {
  text = text::trim(text);
  const auto* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, out);
  return result.ec == std::errc() && result.ptr == end;
}

bool apply_field(Fault& fault, std::string_view name, std::string_view value, std::string& error) {
  long long number = 0;
  const auto need_number = [&](long long min) {
    if (!parse_int(value, number) || number < min) {
      error = "fault field '" + std::string(name) + "' needs a number, got '" + std::string(value) +
              "'";
      return false;
    }
    return true;
  };
  if (name == "kind") {
    const auto kind = detail::fault_kind_from(value);
    if (!kind) {
      error = "unknown fault kind '" + std::string(value) + "'";
      return false;
    }
    fault.kind = *kind;
  } else if (name == "status") {
    if (!need_number(100)) return false;
    fault.status = static_cast<int>(number);
  } else if (name == "retry_after") {
    if (!need_number(0)) return false;
    fault.retry_after = static_cast<int>(number);
  } else if (name == "method") {
    fault.method = text::upper(value);
  } else if (name == "path") {
    fault.path = std::string(value);
  } else if (name == "count") {
    if (!need_number(1)) return false;
    fault.count = static_cast<int>(number);
  } else if (name == "when") {
    if (value == "before") {
      fault.when = FaultWhen::before;
    } else if (value == "after") {
      fault.when = FaultWhen::after;
    } else {
      error = "fault 'when' must be before or after";
      return false;
    }
  } else if (name == "drip_bytes") {
    if (!need_number(1)) return false;
    fault.drip_bytes = static_cast<std::size_t>(number);
  } else if (name == "drip_ms") {
    if (!need_number(0)) return false;
    fault.drip_interval = std::chrono::milliseconds(number);
  } else if (name == "answers") {
    if (!need_number(0)) return false;
    fault.answers = static_cast<int>(number);
  } else if (name == "duration_ms") {
    if (!need_number(0)) return false;
    fault.duration = std::chrono::milliseconds(number);
  } else if (name == "body") {
    fault.body = std::string(value);
  } else {
    error = "unknown fault field '" + std::string(name) + "'";
    return false;
  }
  return true;
}

}  // namespace

std::optional<Fault> parse_fault_spec(std::string_view spec, std::string& error) {
  Fault fault;
  while (!spec.empty()) {
    const auto equals = spec.find('=');
    if (equals == std::string_view::npos) {
      error = "fault spec needs key=value pairs: '" + std::string(spec) + "'";
      return std::nullopt;
    }
    const auto name = text::trim(spec.substr(0, equals));
    std::string_view value;
    if (name == "body") {  // a body may contain commas: it takes the rest
      value = spec.substr(equals + 1);
      spec = {};
    } else {
      const auto comma = spec.find(',', equals);
      value = text::trim(spec.substr(equals + 1, comma - equals - 1));
      spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    }
    if (!apply_field(fault, name, value, error)) return std::nullopt;
  }
  if (!detail::validate_fault(fault, error)) return std::nullopt;
  return fault;
}

namespace detail {

std::string_view to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::status:
      return "status";
    case FaultKind::close_before_headers:
      return "close_before_headers";
    case FaultKind::close_after_headers:
      return "close_after_headers";
    case FaultKind::truncated_body:
      return "truncated_body";
    case FaultKind::invalid_json:
      return "invalid_json";
    case FaultKind::slow_drip:
      return "slow_drip";
    case FaultKind::blackhole:
      return "blackhole";
    case FaultKind::silent_after:
      return "silent_after";
    case FaultKind::refuse:
      return "refuse";
    case FaultKind::close_idle:
      return "close_idle";
    case FaultKind::corrupt_gzip:
      return "corrupt_gzip";
    case FaultKind::connect_timeout:
      return "connect_timeout";
  }
  return "status";
}

std::optional<FaultKind> fault_kind_from(std::string_view name) {
  for (const auto kind :
       {FaultKind::status, FaultKind::close_before_headers, FaultKind::close_after_headers,
        FaultKind::truncated_body, FaultKind::invalid_json, FaultKind::slow_drip,
        FaultKind::blackhole, FaultKind::silent_after, FaultKind::refuse, FaultKind::close_idle,
        FaultKind::corrupt_gzip, FaultKind::connect_timeout}) {
    if (to_string(kind) == name) return kind;
  }
  return std::nullopt;
}

FaultWhen effective_when(const Fault& fault) {
  switch (fault.kind) {
    case FaultKind::status:
    case FaultKind::close_before_headers:
    case FaultKind::blackhole:
    case FaultKind::silent_after:
    case FaultKind::refuse:
    case FaultKind::connect_timeout:
      return fault.when.value_or(FaultWhen::before);
    default:
      return FaultWhen::after;
  }
}

bool answers_nothing(FaultKind kind) {
  return kind == FaultKind::close_before_headers || kind == FaultKind::blackhole ||
         kind == FaultKind::silent_after || kind == FaultKind::refuse ||
         kind == FaultKind::connect_timeout;
}

bool validate_fault(const Fault& fault, std::string& error) {
  if (fault.kind == FaultKind::status && (fault.status < 100 || fault.status > 599)) {
    error = "fault status must be an HTTP status (100..599)";
    return false;
  }
  if (fault.count < 1) {
    error = "fault count must be at least 1";
    return false;
  }
  if (fault.when == FaultWhen::before && effective_when(fault) == FaultWhen::after) {
    error = "fault kind " + std::string(to_string(fault.kind)) +
            " mangles the real answer, so it always acts after processing";
    return false;
  }
  if (fault.method != "*" && fault.method != "GET" && fault.method != "POST") {
    error = "fault method must be GET, POST or *";
    return false;
  }
  return true;
}

std::optional<Fault> fault_from_json(const rapidjson::Value& value, std::string& error) {
  if (!value.IsObject()) {
    error = "a fault is a JSON object";
    return std::nullopt;
  }
  Fault fault;
  for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
    const std::string name(it->name.GetString(), it->name.GetStringLength());
    std::string text;
    if (it->value.IsString()) {
      text.assign(it->value.GetString(), it->value.GetStringLength());
    } else if (it->value.IsInt64()) {
      text = std::to_string(it->value.GetInt64());
    } else {
      error = "fault field '" + name + "' must be a string or an integer";
      return std::nullopt;
    }
    if (!apply_field(fault, name, text, error)) return std::nullopt;
  }
  if (!validate_fault(fault, error)) return std::nullopt;
  return fault;
}

void append_fault_json(std::string& out, const Fault& fault) {
  out += "{\"kind\":\"" + std::string(to_string(fault.kind)) + "\"";
  if (fault.kind == FaultKind::status) out += ",\"status\":" + std::to_string(fault.status);
  if (fault.retry_after) out += ",\"retry_after\":" + std::to_string(*fault.retry_after);
  out += ",\"method\":";
  engine::append_json_quoted(out, fault.method);
  out += ",\"path\":";
  engine::append_json_quoted(out, fault.path);
  out += ",\"count\":" + std::to_string(fault.count);
  out += std::string(",\"when\":\"") +
         (effective_when(fault) == FaultWhen::before ? "before" : "after") + "\"";
  if (fault.kind == FaultKind::slow_drip) {
    out += ",\"drip_bytes\":" + std::to_string(fault.drip_bytes) +
           ",\"drip_ms\":" + std::to_string(fault.drip_interval.count());
  }
  if (fault.kind == FaultKind::silent_after) out += ",\"answers\":" + std::to_string(fault.answers);
  if (fault.kind == FaultKind::refuse || fault.kind == FaultKind::connect_timeout) {
    out += ",\"duration_ms\":" + std::to_string(fault.duration.count());
  }
  if (!fault.body.empty()) {
    out += ",\"body\":";
    engine::append_json_quoted(out, fault.body);
  }
  out += "}";
}

void FaultQueue::push(Fault fault) {
  std::lock_guard lock(mutex_);
  faults_.push_back(std::move(fault));
}

void FaultQueue::clear() {
  std::lock_guard lock(mutex_);
  faults_.clear();
}

std::size_t FaultQueue::pending() const {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& fault : faults_) total += static_cast<std::size_t>(fault.count);
  return total;
}

std::deque<Fault> FaultQueue::list() const {
  std::lock_guard lock(mutex_);
  return faults_;
}

std::optional<Fault> FaultQueue::take(std::string_view method, std::string_view path,
                                      std::string_view target) {
  std::lock_guard lock(mutex_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->method != "*" && it->method != method) continue;
    const bool with_query = it->path.find('?') != std::string::npos;
    if (!text::glob_match(it->path, with_query ? target : path)) continue;
    if (it->kind == FaultKind::silent_after && it->answers > 0) {
      --it->answers;  // answered normally; the strike comes later
      continue;
    }
    Fault fault = *it;
    if (--it->count <= 0) faults_.erase(it);
    fault.count = 1;
    return fault;
  }
  return std::nullopt;
}

}  // namespace detail
}  // namespace mock_snowflake
