// main.cpp — the `sfq` executable.
#include "cli/app.hpp"

int main(int argc, char** argv) { return sfq::cli::run(argc, argv); }
