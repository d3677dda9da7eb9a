// keygen.cpp — see keygen.hpp.
#include "cli/keygen.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include "cli/exit_codes.hpp"
#include "cli/terminal.hpp"
#include "sfq/keys.hpp"

namespace sfq::cli {
namespace {

constexpr const char* kPrivateKeyName = "rsa_key.p8";
constexpr const char* kPublicKeyName = "rsa_key.pub";

void error_line(const std::string& message) {
  try {
    write_all(STDERR_FILENO, "sfq: error: " + message + "\n");
  } catch (...) {  // NOLINT(bugprone-empty-catch): nowhere left to report it
  }
}

}  // namespace

std::optional<std::string> ask_new_passphrase(InterruptWatcher& interrupts, std::string& error) {
  if (const char* env = std::getenv("PRIVATE_KEY_PASSPHRASE"); env != nullptr) {
    if (*env == '\0') {
      error = "PRIVATE_KEY_PASSPHRASE is set but empty; set a passphrase or unset it";
      return std::nullopt;
    }
    return std::string(env);
  }
  const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (tty < 0) {
    error = "--encrypt needs a passphrase: set PRIVATE_KEY_PASSPHRASE or run on a terminal";
    return std::nullopt;
  }
  auto first = ask_hidden(tty, "Passphrase for the private key: ", interrupts);
  auto second = first ? ask_hidden(tty, "Same passphrase again: ", interrupts) : std::nullopt;
  ::close(tty);
  if (!first || !second) {
    error = "no passphrase was entered";
    return std::nullopt;
  }
  if (first->empty()) {
    error = "the passphrase is empty; an encrypted key needs one";
    return std::nullopt;
  }
  if (*first != *second) {
    error = "the two passphrases differ";
    return std::nullopt;
  }
  return first;
}

bool write_private_file(const std::string& path, const std::string& content, bool force,
                        std::string& error) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
  flags |= force ? O_TRUNC : O_EXCL;
  const int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    error = errno == EEXIST ? path + " already exists (use --force to replace it)"
                            : "cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  // An existing file replaced with --force keeps its old mode otherwise.
  ::fchmod(fd, 0600);
  try {
    write_all(fd, content);
  } catch (const std::exception& e) {
    ::close(fd);
    error = "cannot write " + path + ": " + e.what();
    return false;
  }
  if (::close(fd) != 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

std::optional<std::string> ask_hidden(int tty, const std::string& prompt,
                                      InterruptWatcher& interrupts) {
  termios saved{};
  if (::tcgetattr(tty, &saved) != 0) return std::nullopt;
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  ScopedInterruptHandler restore(interrupts, [tty, saved](int signal) {
    ::tcsetattr(tty, TCSANOW, &saved);
    [[maybe_unused]] const ssize_t n = ::write(tty, "\n", 1);
    ::_exit(128 + signal);
  });
  // Echo goes off before the prompt shows, so nothing typed after the prompt is echoed.
  ::tcsetattr(tty, TCSAFLUSH, &quiet);
  [[maybe_unused]] ssize_t n = ::write(tty, prompt.data(), prompt.size());
  std::string line;
  char c = 0;
  bool ok = false;
  while (true) {
    n = ::read(tty, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (c == '\n') {
      ok = true;
      break;
    }
    line += c;
  }
  ::tcsetattr(tty, TCSANOW, &saved);
  if (!ok) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int run_keygen(const KeygenOptions& options, InterruptWatcher& interrupts) {
  struct stat st {};
  if (::stat(options.out_dir.c_str(), &st) != 0) {
    // A directory that does not exist yet is made, private to its owner like ~/.ssh.
    std::error_code error;
    std::filesystem::create_directories(options.out_dir, error);
    if (error || ::chmod(options.out_dir.c_str(), 0700) != 0) {
      error_line("cannot create --out " + options.out_dir + ": " +
                 (error ? error.message() : std::string(std::strerror(errno))));
      return kExitClientError;
    }
  } else if (!S_ISDIR(st.st_mode)) {
    error_line("--out " + options.out_dir + " is not a directory");
    return kExitUsage;
  }
  const std::string private_path = options.out_dir + "/" + kPrivateKeyName;
  const std::string public_path = options.out_dir + "/" + kPublicKeyName;
  if (!options.force) {
    for (const auto& path : {private_path, public_path}) {
      if (::access(path.c_str(), F_OK) == 0) {
        error_line(path + " already exists (use --force to replace it)");
        return kExitClientError;
      }
    }
  }

  std::string secret;
  if (options.encrypt) {
    std::string error;
    auto phrase = ask_new_passphrase(interrupts, error);
    if (!phrase) {
      error_line(error);
      return kExitClientError;
    }
    secret = std::move(*phrase);
  }
  auto pair = generate_key_pair(2048, secret);
  if (!pair) {
    error_line(pair.error().what());
    return kExitClientError;
  }
  std::string error;
  if (!write_private_file(private_path, pair->private_key_pem, options.force, error) ||
      !write_private_file(public_path, pair->public_key_pem, options.force, error)) {
    error_line(error);
    return kExitClientError;
  }

  const std::string user = options.user.empty() ? "<user>" : options.user;
  std::string out;
  out += "Wrote " + private_path + " (private key, PKCS#8" +
         (options.encrypt ? ", encrypted" : ", not encrypted") + ", mode 0600)\n";
  out += "Wrote " + public_path + " (public key, mode 0600)\n";
  out += "Fingerprint: " + pair->fingerprint + "\n\n";
  out += "Register the public key (as a user with the rights to alter " + user + "):\n\n";
  out += "  ALTER USER " + user + " SET RSA_PUBLIC_KEY='" + pair->public_key_base64() + "';\n\n";
  out += "Then use it in connections.toml:\n\n";
  out += "  authenticator = \"SNOWFLAKE_JWT\"\n";
  out += "  private_key_file = \"" + private_path + "\"\n";
  if (options.encrypt)
    out += "  # and export PRIVATE_KEY_PASSPHRASE, or set private_key_passphrase\n";
  try {
    write_all(STDOUT_FILENO, out);
  } catch (const std::exception&) {
    return kExitClientError;
  }
  return kExitSuccess;
}

}  // namespace sfq::cli
