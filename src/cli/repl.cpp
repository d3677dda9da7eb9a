// repl.cpp — see repl.hpp.
#include "cli/repl.hpp"

#include <fcntl.h>
#include <histedit.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
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

class Editor {
 public:
  Editor(std::optional<std::string> history_file, FILE* out)
      : history_file_(std::move(history_file)) {
    state_.out = out;
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

}  // namespace

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

  Editor editor(history_path(), out);
  std::fputs(banner.c_str(), out);
  std::fflush(out);

  StatementSplitter splitter;
  std::vector<ScriptItem> items;
  std::string pending;  // the raw text of the input in progress, for history
  while (true) {
    const std::string prompt = splitter.in_statement() ? continuation_prompt(splitter) : kPrompt;
    bool interrupted = false;
    std::optional<std::string> line = editor.read_line(prompt, interrupted);
    if (!line) {
      std::fputs("\n", out);
      std::fflush(out);
      break;
    }
    if (interrupted) {
      splitter.reset();
      pending.clear();
      continue;
    }
    pending += *line;
    pending += '\n';
    splitter.feed(*line + "\n", items);
    if (!splitter.in_statement()) {
      if (const auto entry = trim(pending); !entry.empty()) editor.remember(std::string(entry));
      pending.clear();
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
  return 0;
}

}  // namespace sfq::cli
