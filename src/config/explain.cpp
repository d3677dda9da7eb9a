// explain.cpp — rendering a ResolvedConnection for people.
#include "config/explain.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "util/text.hpp"

namespace sfq::config {
namespace {

// One column never grows past this; a longer cell overflows its own line only.
constexpr std::size_t kMaxColumnWidth = 60;

using util::upper;

std::string pad(std::string_view text, std::size_t width) {
  std::string out(text);
  out += text.size() < width ? std::string(width - text.size(), ' ') : std::string("  ");
  if (text.size() < width) out += "  ";
  return out;
}

// Rows of cells, printed with aligned columns; `continuation` lines go under the last column.
class Table {
 public:
  void row(std::vector<std::string> cells, std::vector<std::string> continuation = {}) {
    rows_.push_back({std::move(cells), std::move(continuation)});
  }

  void render(std::string& out, std::string_view indent) const {
    std::vector<std::size_t> widths;
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i + 1 < row.cells.size(); ++i) {
        if (widths.size() <= i) widths.push_back(0);
        widths[i] = std::max(widths[i], std::min(row.cells[i].size(), kMaxColumnWidth));
      }
    }
    for (const auto& row : rows_) {
      std::string line(indent);
      std::size_t offset = indent.size();
      for (std::size_t i = 0; i < row.cells.size(); ++i) {
        if (i + 1 < row.cells.size()) {
          line += pad(row.cells[i], widths[i]);
          offset += widths[i] + 2;
        } else {
          line += row.cells[i];
        }
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
      for (const auto& more : row.continuation) {
        out += std::string(offset, ' ') + more + "\n";
      }
    }
  }

 private:
  struct Row {
    std::vector<std::string> cells;
    std::vector<std::string> continuation;
  };
  std::vector<Row> rows_;
};

// The order keys are listed in, and what an unset key means.
struct KeyLine {
  std::string_view key;
  std::string_view when_unset;  ///< what applies when unset; "" to omit the line
};

constexpr std::array<KeyLine, 21> kKeyLines = {{
    {"account", "-"},
    {"user", "-"},
    {"host", "derived: <account>.snowflakecomputing.com"},
    {"port", "derived: 443 for https, 80 for http"},
    {"protocol", ""},
    {"role", "the user's default role"},
    {"warehouse", "the user's default warehouse"},
    {"database", "the user's default namespace"},
    {"schema", "the user's default namespace"},
    {"authenticator", ""},
    {"private_key_file", ""},
    {"private_key_raw", ""},
    {"private_key_passphrase", ""},
    {"token_file_path", ""},
    {"token", ""},
    {"connect_timeout", "15 s"},
    {"request_timeout", "per request kind: 90 s submissions, 60 s polls and cancels"},
    {"statement_timeout", ""},
    {"total_timeout", "none"},
    {"ca_file", "the system CA store"},
    {"insecure_skip_tls_verify", "false (certificates are verified)"},
}};

std::string display(const std::string& value) { return value.empty() ? "(empty)" : value; }

}  // namespace

std::string explain(const ResolvedConnection& resolved) {
  std::string out;

  out += "Configuration\n";
  Table files;
  files.row({"directory", resolved.directory.path, "(" + resolved.directory.reason + ")"});
  for (const auto& check : resolved.files) {
    files.row({check.role, check.path, check.summary()});
  }
  std::string known;
  for (const auto& name : resolved.known_connections) known += (known.empty() ? "" : ", ") + name;
  if (resolved.connections_origin.empty()) {
    files.row({"connections", "none defined"});
  } else {
    files.row({"connections", "from " + resolved.connections_origin +
                                  (resolved.connections_origin == "connections.toml"
                                       ? " (it replaces config.toml's [connections])"
                                       : "") +
                                  "; known: " + (known.empty() ? std::string("none") : known)});
  }
  files.render(out, "  ");

  out += "\nConnection \"" + resolved.connection_name + "\"\n";
  Table connection;
  connection.row({"chosen by", resolved.connection_reason});
  connection.row({"defined in", resolved.connection_found
                                    ? resolved.connection_origin
                                    : std::string("no file (using flags and environment only)")});
  connection.render(out, "  ");

  out +=
      "\nEffective settings (precedence, highest first: 1. flags, 2. env SNOWFLAKE_CONNECTIONS_" +
      upper(resolved.connection_name) +
      "_<KEY>, 3. the connection's table, 4. env SNOWFLAKE_<KEY>)\n"
      "  NOTE: generic SNOWFLAKE_<KEY> variables only FILL keys still missing; they never "
      "override a value from the file or a connection variable.\n"
      "  PRIVATE_KEY_PASSPHRASE wins over any configured passphrase.\n";
  Table keys;
  keys.row({"KEY", "VALUE", "SOURCE"});
  std::set<const Provenance*> listed;
  auto add_entry = [&](const Provenance& entry) {
    std::vector<std::string> more;
    if (!entry.overridden.empty()) {
      std::string text = "overrides: ";
      for (std::size_t i = 0; i < entry.overridden.size(); ++i) {
        text += (i == 0 ? "" : "; ") + entry.overridden[i];
      }
      more.push_back(text);
    }
    keys.row({entry.key, display(entry.value), entry.source}, std::move(more));
    listed.insert(&entry);
  };
  for (const auto& line : kKeyLines) {
    bool found = false;
    for (const auto& entry : resolved.provenance) {
      if (entry.key == line.key) {
        add_entry(entry);
        found = true;
      }
    }
    if (!found && !line.when_unset.empty()) {
      keys.row({std::string(line.key), "(not set)", std::string(line.when_unset)});
    }
  }
  for (const auto& entry : resolved.provenance) {
    if (listed.count(&entry) == 0) add_entry(entry);
  }
  keys.render(out, "  ");

  if (!resolved.unused.empty()) {
    out += "\nGiven but not used\n";
    Table unused;
    for (const auto& entry : resolved.unused) {
      unused.row({entry.key, display(entry.value), entry.source, entry.reason});
    }
    unused.render(out, "  ");
  }

  if (!resolved.sfq_settings.empty()) {
    out += "\nsfq settings ([sfq] in " + resolved.config_path + ")\n";
    Table settings;
    for (const auto& [key, value] : resolved.sfq_settings) settings.row({key, display(value)});
    settings.render(out, "  ");
  }

  if (!resolved.problems.empty()) {
    out += "\nNot enough to connect\n";
    for (const auto& problem : resolved.problems) out += "  - " + problem + "\n";
  }
  if (!resolved.warnings.empty()) {
    out += "\nWarnings\n";
    for (const auto& warning : resolved.warnings) out += "  - " + warning + "\n";
  }
  return out;
}

}  // namespace sfq::config
