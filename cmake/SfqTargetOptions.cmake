# Per-target compile options: warnings-as-errors and sanitizers are applied to
# our own targets only, never through global CMAKE_CXX_FLAGS, so third-party
# headers and consumers of the installed package are not affected.

if(SFQ_SANITIZE STREQUAL "")
  set(_sfq_sanitize_flags "")
elseif(SFQ_SANITIZE STREQUAL "address,undefined")
  # UBSan without its `null` and `alignment` checks here. They are one check at every member
  # access and pointer dereference, each with its own source-location record: two thirds of the
  # records, a third of the compile time and of each program's start-up (ASan registers, and LSan
  # scans, every record) in a tree of over fifty programs started some two thousand times per
  # run. What they find is mostly covered elsewhere: ASan itself stops at a null dereference
  # with a stack, and tools/fuzz's clang tree (SFQ_SANITIZE=fuzzer) keeps both checks on every
  # parser it fuzzes.
  set(_sfq_sanitize_flags -fsanitize=address,undefined -fno-sanitize=null,alignment
                          -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
elseif(SFQ_SANITIZE STREQUAL "fuzzer")
  # libFuzzer builds (the `fuzz` preset, clang only): coverage instrumentation for libFuzzer plus
  # ASan and UBSan; the fuzz targets themselves link libFuzzer's main (test/fuzz/CMakeLists.txt).
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SFQ_SANITIZE=fuzzer needs clang++ (the `fuzz` preset sets it)")
  endif()
  # pointer-overflow stays recoverable so that test/fuzz/ubsan.supp can silence the one report
  # clang (not GCC) makes inside Debian's RapidJSON 1.1.0 headers; halt_on_error still stops at
  # any other.
  set(_sfq_sanitize_flags -fsanitize=fuzzer-no-link,address,undefined
                          -fno-sanitize-recover=undefined -fsanitize-recover=pointer-overflow
                          -fno-omit-frame-pointer)
elseif(SFQ_SANITIZE STREQUAL "thread")
  set(_sfq_sanitize_flags -fsanitize=thread -fno-omit-frame-pointer)
else()
  message(FATAL_ERROR "SFQ_SANITIZE must be empty, 'address,undefined', 'fuzzer' or 'thread' (got '${SFQ_SANITIZE}')")
endif()

# The sanitizer builds are big: with -O0, each UBSan check keeps a source location and type
# descriptors in .data, each a pointer that a position-independent executable must relocate at
# load time, and every test program links the client and the emulator whole. So there, the debug
# sections are compressed (-gz: a third of their size) and the programs are not position
# independent (-no-pie: their .rela.dyn of 40 MB each goes away). The TSan tree, nine programs,
# keeps the default. Without this the ASan tree outgrew the free disk of a CI machine.
# They are also linked with lld where the compiler can use it (tools/bootstrap installs it): a
# test program of the ASan tree links in 0.8 s instead of 4.3 s with the default linker, and the
# tree has some seventy of them.
set(_sfq_compact_compile_flags "")
set(_sfq_compact_link_flags "")
set(_sfq_compact_executable_flags "")
if(NOT SFQ_SANITIZE STREQUAL "")
  set(_sfq_compact_compile_flags -gz)
  set(_sfq_compact_link_flags -gz)
  include(CheckLinkerFlag)
  check_linker_flag(CXX -fuse-ld=lld SFQ_LINKER_LLD)
  if(SFQ_LINKER_LLD)
    list(APPEND _sfq_compact_link_flags -fuse-ld=lld)
  endif()
  if(NOT SFQ_SANITIZE STREQUAL "thread")
    set(_sfq_compact_executable_flags -no-pie)
  endif()
endif()

# sfq_target_options(<target>)
#   C++20, strict warnings as errors, and the configured sanitizers.
function(sfq_target_options target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  # GCC 12 at -O2/-O3 reports -Wrestrict inside libstdc++'s own std::string code for
  # `"literal" + std::string` (GCC bugs 105329 and 105651, fixed in GCC 13): a false positive
  # that would break the Release build on Debian 12's compiler.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(_sfq_sanitize_flags)
    # A sanitized static library can only be linked by a sanitized program,
    # so the flags travel with the target (PUBLIC) rather than stay private.
    target_compile_options(${target} PUBLIC ${_sfq_sanitize_flags})
    target_link_options(${target} PUBLIC ${_sfq_sanitize_flags})
    target_compile_options(${target} PRIVATE ${_sfq_compact_compile_flags})
    target_link_options(${target} PRIVATE ${_sfq_compact_link_flags})
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
      target_link_options(${target} PRIVATE ${_sfq_compact_executable_flags})
    endif()
  endif()
endfunction()
