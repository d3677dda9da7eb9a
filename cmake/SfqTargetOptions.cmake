# Per-target compile options: warnings-as-errors and sanitizers are applied to
# our own targets only, never through global CMAKE_CXX_FLAGS, so third-party
# headers and consumers of the installed package are not affected.

if(SFQ_SANITIZE STREQUAL "")
  set(_sfq_sanitize_flags "")
elseif(SFQ_SANITIZE STREQUAL "address,undefined")
  set(_sfq_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined
                          -fno-omit-frame-pointer)
elseif(SFQ_SANITIZE STREQUAL "thread")
  set(_sfq_sanitize_flags -fsanitize=thread -fno-omit-frame-pointer)
else()
  message(FATAL_ERROR "SFQ_SANITIZE must be empty, 'address,undefined' or 'thread' (got '${SFQ_SANITIZE}')")
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
  endif()
endfunction()
