// repl.cpp — see repl.hpp.
#include "cli/repl.hpp"

#include <fcntl.h>
#include <histedit.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "cli/splitter.hpp"
#include "util/text.hpp"

namespace sfq::cli {
namespace {

constexpr int kHistorySize = 2000;
constexpr const char* kPrompt = "sfq> ";

constexpr std::pair<const char*, const char*> kCursorKeys[] = {
    {"\\e[A", "ed-prev-history"}, {"\\e[B", "ed-next-history"}, {"\\e[C", "ed-next-char"},
    {"\\e[D", "ed-prev-char"},    {"\\e[H", "ed-move-to-beg"},  {"\\e[F", "ed-move-to-end"},
    {"\\e[1;5C", "em-next-word"}, {"\\e[1;5D", "ed-prev-word"}, {"\\e[3~", "ed-delete-next-char"},
};

// Creates every missing directory of `path`'s parent with mode 0700.
bool make_parent_directories(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return true;
  const std::string dir = path.substr(0, slash);
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) return S_ISDIR(st.st_mode);
  if (!make_parent_directories(dir)) return false;
  return ::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST;
}

// State the libedit callbacks reach through EL_CLIENTDATA.
struct EditorState {
  std::string prompt = kPrompt;
  bool interrupted = false;
  FILE* out = stdout;
  std::function<std::vector<std::string>(const std::string&, const std::string&)> complete;
  std::string last_completed;  // a second Tab on the same word lists the candidates
};

EditorState* state_of(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return static_cast<EditorState*>(data);
}

char* prompt_function(EditLine* el) { return state_of(el)->prompt.data(); }

// ^C while editing: abandon the input. The line is submitted (so el_gets returns) and then
// discarded because `interrupted` is set.
unsigned char interrupt_key(EditLine* el, int /*key*/) {
  EditorState* state = state_of(el);
  const LineInfo* line = el_line(el);
  el_cursor(el, static_cast<int>(line->lastchar - line->cursor));
  std::fputs("^C", state->out);
  std::fflush(state->out);
  state->interrupted = true;
  return CC_NEWLINE;
}

// ^Z while editing (the terminal's signal keys are off): give the terminal back, stop, and
// take it again when the shell continues us.
unsigned char suspend_key(EditLine* el, int /*key*/) {
  el_set(el, EL_PREP_TERM, 0);
  // SIGSTOP rather than SIGTSTP: the kernel drops SIGTSTP for a process group without a
  // shell to continue it, where stopping would hang; SIGSTOP stops in every case.
  ::kill(0, SIGSTOP);
  el_set(el, EL_PREP_TERM, 1);
  return CC_REDISPLAY;
}

bool completion_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' || c == '.' ||
         c == '!' || c == '\\';
}

// Tab: the unique completion, else the longest common prefix, else (second Tab) the list.
unsigned char complete_key(EditLine* el, int /*key*/) {
  EditorState* state = state_of(el);
  const LineInfo* info = el_line(el);
  const std::string before(info->buffer, static_cast<std::size_t>(info->cursor - info->buffer));
  std::size_t start = before.size();
  while (start > 0 && completion_char(before[start - 1])) --start;
  const std::string word = before.substr(start);
  if (!state->complete) return CC_REFRESH_BEEP;
  const std::vector<std::string> found = state->complete(before, word);
  if (found.empty()) return CC_REFRESH_BEEP;
  std::string common = found.front();
  for (const auto& candidate : found) {
    std::size_t n = 0;
    while (n < common.size() && n < candidate.size() && common[n] == candidate[n]) ++n;
    common.resize(n);
  }
  if (found.size() == 1) {
    const std::string rest = found.front().substr(word.size()) + (word.starts_with("!") ? "" : " ");
    el_insertstr(el, rest.c_str());
    state->last_completed.clear();
    return CC_REFRESH;
  }
  if (common.size() > word.size()) {
    el_insertstr(el, common.substr(word.size()).c_str());
    state->last_completed = common;
    return CC_REFRESH;
  }
  if (state->last_completed != before) {
    state->last_completed = before;
    return CC_REFRESH_BEEP;
  }
  std::string list = "\n";
  for (const auto& candidate : found) list += candidate + "  ";
  list += "\n";
  std::fputs(list.c_str(), state->out);
  std::fflush(state->out);
  return CC_REDISPLAY;
}

class Editor {
 public:
  Editor(std::optional<std::string> history_file, FILE* out,
         std::function<std::vector<std::string>(const std::string&, const std::string&)> complete)
      : history_file_(std::move(history_file)) {
    state_.out = out;
    state_.complete = std::move(complete);
    history_ = history_init();
    HistEvent event;
    history(history_, &event, H_SETSIZE, kHistorySize);
    history(history_, &event, H_SETUNIQUE, 1);
    if (history_file_) history(history_, &event, H_LOAD, history_file_->c_str());

    el_ = el_init("sfq", stdin, out, stderr);
    el_set(el_, EL_CLIENTDATA, &state_);
    el_set(el_, EL_EDITOR, "emacs");
    el_set(el_, EL_PROMPT, &prompt_function);
    el_set(el_, EL_HIST, history, history_);
    // ^C must reach us as a key while editing, not as SIGINT.
    el_set(el_, EL_SETTY, "-d", "-isig", static_cast<char*>(nullptr));
    // The wide-character call: libedit's narrow EL_ADDFN copies the strings and never frees
    // them.
    el_wset(el_, EL_ADDFN, L"sfq-interrupt", L"abandon the input", &interrupt_key);
    el_set(el_, EL_BIND, "^C", "sfq-interrupt", static_cast<char*>(nullptr));
    el_set(el_, EL_BIND, "^R", "em-inc-search-prev", static_cast<char*>(nullptr));
    el_wset(el_, EL_ADDFN, L"sfq-suspend", L"suspend sfq", &suspend_key);
    el_set(el_, EL_BIND, "^Z", "sfq-suspend", static_cast<char*>(nullptr));
    el_wset(el_, EL_ADDFN, L"sfq-complete", L"complete the word", &complete_key);
    el_set(el_, EL_BIND, "^I", "sfq-complete", static_cast<char*>(nullptr));
    // Cursor keys as terminals send them in normal mode (libedit binds only the keypad-mode
    // sequences of the terminfo entry).
    for (const auto& [keys, function] : kCursorKeys) {
      el_set(el_, EL_BIND, keys, function, static_cast<char*>(nullptr));
    }
    el_source(el_, nullptr);  // the user's ~/.editrc, as every libedit program
  }

  ~Editor() {
    el_end(el_);
    history_end(history_);
  }
  Editor(const Editor&) = delete;
  Editor& operator=(const Editor&) = delete;

  /// The next line without its newline; nullopt at end of input (Ctrl-D). `interrupted` says
  /// whether ^C abandoned it.
  std::optional<std::string> read_line(const std::string& prompt, bool& interrupted) {
    state_.prompt = prompt;
    state_.interrupted = false;
    int count = 0;
    const char* line = el_gets(el_, &count);
    interrupted = state_.interrupted;
    if (line == nullptr || count <= 0) {
      if (interrupted) return std::string();
      return std::nullopt;
    }
    std::string text(line, static_cast<std::size_t>(count));
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  void remember(const std::string& entry) {
    HistEvent event;
    history(history_, &event, H_ENTER, entry.c_str());
    if (!history_file_) return;
    if (!make_parent_directories(*history_file_)) return;
    // Created private before libedit opens it: it may hold secrets typed in statements.
    const int fd = ::open(history_file_->c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::fchmod(fd, 0600);
      ::close(fd);
    }
    history(history_, &event, H_SAVE, history_file_->c_str());
  }

 private:
  std::optional<std::string> history_file_;
  EditorState state_;
  History* history_ = nullptr;
  EditLine* el_ = nullptr;
};

using util::trim;

std::string continuation_prompt(const StatementSplitter& splitter) {
  const std::string_view open = splitter.open_construct();
  if (open.empty()) return "  -> ";
  std::string prompt(open);
  prompt.insert(0, 4 - std::min<std::size_t>(open.size(), 3), ' ');
  return prompt + "> ";
}

constexpr std::string_view kKeywords[] = {
    "ALL",       "ALTER",  "AND",       "AS",       "ASC",       "BETWEEN",   "BY",
    "CASE",      "CAST",   "COLUMNS",   "COUNT",    "CREATE",    "CROSS",     "DATABASE",
    "DATABASES", "DELETE", "DESC",      "DESCRIBE", "DISTINCT",  "DROP",      "ELSE",
    "END",       "EXISTS", "FALSE",     "FROM",     "FULL",      "GROUP",     "HAVING",
    "ILIKE",     "IN",     "INNER",     "INSERT",   "INTO",      "IS",        "JOIN",
    "LEFT",      "LIKE",   "LIMIT",     "MERGE",    "NOT",       "NULL",      "OBJECTS",
    "ON",        "OR",     "ORDER",     "OUTER",    "OVER",      "PARTITION", "QUALIFY",
    "REPLACE",   "RIGHT",  "ROLE",      "SCHEMA",   "SCHEMAS",   "SELECT",    "SESSION",
    "SET",       "SHOW",   "TABLE",     "TABLES",   "TEMPORARY", "THEN",      "TRUE",
    "TRUNCATE",  "UNION",  "UNSET",     "UPDATE",   "USE",       "USING",     "VALUES",
    "VIEW",      "VIEWS",  "WAREHOUSE", "WHEN",     "WHERE",     "WITH",
};

constexpr std::string_view kCommands[] = {
    "abort", "begin", "commit",   "connect", "define", "exit",  "help",      "load",
    "print", "quit",  "rollback", "set",     "source", "spool", "variables",
};

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         util::lower(text.substr(0, prefix.size())) == util::lower(prefix);
}

// The prompt: where statements run, and how many statements !begin has gathered.
std::string main_prompt(const Runner& runner) {
  const std::string where = runner.where();
  std::string prompt = where.empty() ? std::string("sfq") : where;
  if (const auto gathered = runner.batch_size()) prompt += " [" + std::to_string(*gathered) + "]";
  return prompt + "> ";
}

}  // namespace

std::vector<std::string> completions(
    const std::string& line, const std::string& word,
    const std::function<std::vector<std::string>(const std::string& qualifier)>& names) {
  std::vector<std::string> out;
  const std::string_view before = trim(std::string_view(line).substr(0, line.size() - word.size()));
  if (word.starts_with("!")) {
    if (!before.empty()) return out;
    for (const auto command : kCommands) {
      if (starts_with_nocase(command, word.substr(1))) out.push_back("!" + std::string(command));
    }
    return out;
  }
  if (before.starts_with("!")) return out;
  // Lower case in, lower case out; otherwise Snowflake's upper case.
  const bool lower_case = std::any_of(word.begin(), word.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) != 0;
  });
  auto cased = [lower_case](std::string_view text) {
    return lower_case ? util::lower(text) : std::string(text);
  };
  const auto dot = word.rfind('.');
  const std::string qualifier = dot == std::string::npos ? "" : word.substr(0, dot);
  const std::string prefix = dot == std::string::npos ? word : word.substr(dot + 1);
  if (qualifier.empty()) {
    for (const auto keyword : kKeywords) {
      if (starts_with_nocase(keyword, prefix)) out.push_back(cased(keyword));
    }
  }
  if (names) {
    for (const auto& name : names(qualifier)) {
      if (!starts_with_nocase(name, prefix)) continue;
      // Names that need quotes are left alone: what Tab would insert must be usable as is.
      const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c)) != 0 ||
               std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
      });
      if (!plain) continue;
      out.push_back((qualifier.empty() ? "" : qualifier + ".") + cased(name));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<std::string> history_path() {
  if (const char* value = std::getenv("SFQ_HISTORY"); value != nullptr) {
    if (*value == '\0') return std::nullopt;
    return std::string(value);
  }
  if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state == '/') {
    return std::string(state) + "/sfq/history";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.local/state/sfq/history";
  }
  return std::nullopt;
}

int run_repl(Runner& runner, InterruptWatcher& interrupts, const std::string& banner) {
  FILE* out = ::isatty(STDOUT_FILENO) == 1 ? stdout : stderr;

  // A terminal that goes away (SIGHUP) or a SIGTERM while the editor owns the terminal: put the
  // terminal back as it was and leave. History is already saved. SIGINT at the prompt cannot
  // come from the keyboard (^C is a key there) and is ignored.
  termios saved{};
  const bool have_saved = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  ScopedInterruptHandler on_signal(interrupts, [saved, have_saved](int signal) {
    if (signal == SIGINT) return;
    if (have_saved) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    ::_exit(128 + signal);
  });

  Editor editor(history_path(), out, [&runner](const std::string& line, const std::string& word) {
    return completions(line, word, [&runner](const std::string& qualifier) {
      return runner.object_names(qualifier);
    });
  });
  std::fputs(banner.c_str(), out);
  std::fflush(out);

  StatementSplitter splitter(runner.max_statement_bytes());
  std::vector<ScriptItem> items;
  std::string pending;    // the raw text of the input in progress, for history
  bool too_long = false;  // the input in progress passed the cap: not kept, not remembered
  while (true) {
    const std::string prompt =
        splitter.in_statement() ? continuation_prompt(splitter) : main_prompt(runner);
    bool interrupted = false;
    std::optional<std::string> line = editor.read_line(prompt, interrupted);
    if (!line) {
      std::fputs("\n", out);
      std::fflush(out);
      break;
    }
    if (interrupted) {
      // The abandoned line stays on the screen, and the next prompt starts a line of its own.
      std::fputs("\n", out);
      std::fflush(out);
      splitter.reset();
      pending.clear();
      too_long = false;
      continue;
    }
    if (!splitter.in_statement()) {
      // The words people type to leave or for help, outside a statement (psql's \q and \? are
      // command lines, cli/meta_commands.hpp).
      std::string word = util::lower(trim(*line));
      if (word.ends_with(';')) word.pop_back();
      if (word == "exit" || word == "quit") {
        editor.remember(std::string(trim(*line)));
        break;
      }
      if (word == "help") {
        editor.remember(std::string(trim(*line)));
        std::fputs(std::string(command_help()).c_str(), out);
        std::fflush(out);
        continue;
      }
    }
    if (!too_long) {
      pending += *line;
      pending += '\n';
    }
    splitter.feed(*line + "\n", items);
    if (splitter.skipping() || std::any_of(items.begin(), items.end(), [](const ScriptItem& item) {
          return item.kind == ScriptItem::Kind::too_long;
        })) {
      too_long = true;
      pending.clear();
    }
    if (!splitter.in_statement()) {
      if (const auto entry = trim(pending); !entry.empty() && !too_long) {
        editor.remember(std::string(entry));
      }
      pending.clear();
      too_long = false;
    }
    bool quit = false;
    for (const auto& item : items) {
      std::fflush(out);
      if (runner.run_item(item) == Runner::Flow::quit) {
        quit = true;
        break;
      }
    }
    items.clear();
    if (quit) break;
  }
  if (const auto gathered = runner.batch_size(); gathered && *gathered > 0) {
    std::fprintf(out, "%zu statement(s) gathered by !begin were not sent.\n", *gathered);
  }
  return 0;
}

}  // namespace sfq::cli
