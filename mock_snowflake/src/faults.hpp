// faults.hpp — the queue of injected answers, and the fault description formats.
//
// A fault is described the same way everywhere: as ServerOptions/Server::inject_fault
// (struct Fault), as the --fault flag ("kind=status,status=503,count=2"), and as the admin
// endpoint's JSON ({"kind":"status","status":503,"count":2}).
//
// Thread safety: FaultQueue is internally synchronised.
#pragma once

#include <rapidjson/document.h>

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "mock_snowflake/server.hpp"

namespace mock_snowflake::detail {

[[nodiscard]] std::string_view to_string(FaultKind kind);
[[nodiscard]] std::optional<FaultKind> fault_kind_from(std::string_view name);
/// The effective `when` of a fault (body-mangling kinds always act after processing).
[[nodiscard]] FaultWhen effective_when(const Fault& fault);
/// True for kinds whose client never sees a status line (counted as status 0).
[[nodiscard]] bool answers_nothing(FaultKind kind);
/// Checks a fault for contradictions; false with a message.
[[nodiscard]] bool validate_fault(const Fault& fault, std::string& error);

/// A fault from the admin endpoint's JSON object.
[[nodiscard]] std::optional<Fault> fault_from_json(const rapidjson::Value& value,
                                                   std::string& error);
void append_fault_json(std::string& out, const Fault& fault);

class FaultQueue {
 public:
  void push(Fault fault);
  void clear();
  [[nodiscard]] std::size_t pending() const;  ///< strikes left
  [[nodiscard]] std::deque<Fault> list() const;
  /// The first fault matching this request, with one strike consumed.
  [[nodiscard]] std::optional<Fault> take(std::string_view method, std::string_view path,
                                          std::string_view target);

 private:
  mutable std::mutex mutex_;
  std::deque<Fault> faults_;
};

}  // namespace mock_snowflake::detail
