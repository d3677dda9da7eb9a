// uuid.hpp — the emulator's random identifiers: request UUIDs and statement handles.
//
// Thread-safe: each thread draws from its own generator.
#pragma once

#include <string>

namespace mock_snowflake::detail {

/// A random RFC 4122 version-4 UUID, lowercase ("9c8671e3-9d0a-47a3-998e-9f01472d6435").
[[nodiscard]] std::string make_uuid();

/// A statement handle shaped like the real ones ("01bc2a3f-0000-4a1b-0000-0001a2b3c4d5"); the
/// last group carries a process-wide sequence number so handles never repeat.
[[nodiscard]] std::string make_statement_handle();

}  // namespace mock_snowflake::detail
