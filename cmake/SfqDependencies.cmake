# Every dependency is a Debian package found through its CMake config file, a
# CMake find module, or pkg-config. tools/bootstrap installs the packages.
find_package(Threads REQUIRED)
find_package(CURL 7.88 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(RapidJSON REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(cpp-jwt REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate)
pkg_check_modules(LIBISAL REQUIRED IMPORTED_TARGET libisal)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(LIBEDIT REQUIRED IMPORTED_TARGET libedit)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
if(SFQ_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(SFQ_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# RapidJSON is header-only and ships no target: add its directory to a target
# privately (it never appears in our public headers).
# Every target gets the same RapidJSON configuration (its templates must be defined alike in
# every translation unit). Its SSE2 scanners for whitespace and for strings parsed in place are
# on where every CPU has them (x86-64), except in sanitizer builds: their aligned 16-byte reads
# can run past a text's end (never past its page), which AddressSanitizer and ThreadSanitizer
# report as reads of memory that is not the text's.
function(sfq_use_rapidjson target)
  target_include_directories(${target} SYSTEM PRIVATE ${RAPIDJSON_INCLUDE_DIRS})
  target_compile_definitions(${target} PRIVATE RAPIDJSON_HAS_STDSTRING=1)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND SFQ_SANITIZE STREQUAL "")
    target_compile_definitions(${target} PRIVATE RAPIDJSON_SSE2)
  endif()
endfunction()
