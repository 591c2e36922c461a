# Checks that tests/readme_example.cpp is, byte for byte, the first ```cpp block of README.md,
# so that the example the README shows is the one CTest compiles and runs. Run by CTest as
#   cmake -DREADME=<README.md> -DSNIPPET=<readme_example.cpp> -P readme_example.cmake

cmake_minimum_required(VERSION 3.16)

foreach(variable README SNIPPET)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "readme_example.cmake: -D${variable}=... is required")
  endif()
endforeach()

file(READ ${README} readme)
file(READ ${SNIPPET} snippet)

set(fence_open "```cpp\n")
string(FIND "${readme}" "${fence_open}" start)
if(start EQUAL -1)
  message(FATAL_ERROR "${README} has no ```cpp code block")
endif()
string(LENGTH "${fence_open}" fence_length)
math(EXPR start "${start} + ${fence_length}")
string(SUBSTRING "${readme}" ${start} -1 rest)
string(FIND "${rest}" "\n```" stop)
if(stop EQUAL -1)
  message(FATAL_ERROR "the first ```cpp block of ${README} is not closed")
endif()
math(EXPR stop "${stop} + 1")
string(SUBSTRING "${rest}" 0 ${stop} block)

if(NOT block STREQUAL snippet)
  message(FATAL_ERROR "the first ```cpp block of ${README} differs from ${SNIPPET}; "
    "make them identical (the README shows what CTest compiles).\n"
    "README block:\n${block}\n${SNIPPET}:\n${snippet}")
endif()
message(STATUS "README example matches ${SNIPPET}")
