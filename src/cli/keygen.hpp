// keygen.hpp — `sfq keygen [--out DIR] [--encrypt] [--force] [-u USER]`: an RSA-2048 key pair
// for Snowflake key-pair authentication.
//
// Writes DIR/rsa_key.p8 (PKCS#8 PEM, encrypted with AES-256 when --encrypt) and DIR/rsa_key.pub
// (SubjectPublicKeyInfo PEM), both created with mode 0600 and never over an existing file
// unless --force. Prints the fingerprint (as DESC USER shows RSA_PUBLIC_KEY_FP) and the
// `ALTER USER … SET RSA_PUBLIC_KEY='…'` statement to run, plus the connections.toml lines that
// use the key. The passphrase comes from PRIVATE_KEY_PASSPHRASE or is asked twice on the
// terminal with echo off; it is never printed.
//
// Thread safety: main thread only.
#pragma once

#include <optional>
#include <string>

#include "cli/interrupts.hpp"

namespace sfq::cli {

/// Reads a line from the terminal `tty` with echo off, after writing `prompt` to it; nullopt at
/// end of input. The terminal is restored on every path, Ctrl-C included (the interrupt
/// handler puts it back before leaving).
[[nodiscard]] std::optional<std::string> ask_hidden(int tty, const std::string& prompt,
                                                    InterruptWatcher& interrupts);

/// The passphrase for a new encrypted key: PRIVATE_KEY_PASSPHRASE, else asked twice on the
/// terminal. nullopt with `error` set when there is none (or the two differ).
[[nodiscard]] std::optional<std::string> ask_new_passphrase(InterruptWatcher& interrupts,
                                                            std::string& error);

/// Writes `content` to a new file of mode 0600 (O_EXCL unless `force`, which replaces the file
/// and sets its mode to 0600); false with `error` set otherwise.
[[nodiscard]] bool write_private_file(const std::string& path, const std::string& content,
                                      bool force, std::string& error);

struct KeygenOptions {
  std::string out_dir = ".";
  bool encrypt = false;
  bool force = false;
  std::string user;  ///< for the ALTER USER statement; a placeholder when empty
};

/// Runs keygen; returns the exit status (errors are printed on stderr).
int run_keygen(const KeygenOptions& options, InterruptWatcher& interrupts);

}  // namespace sfq::cli
