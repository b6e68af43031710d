#!/usr/bin/env python3
"""Checks that every target of Package.swift declares exactly the modules its Swift files import.

Exit status 1 with one line per target that imports a module it does not declare, or declares
one it never imports (system modules such as Foundation and Testing aside)."""
import glob
import os
import re
import sys

SYSTEM = {"Foundation", "FoundationNetworking", "FoundationEssentials", "FoundationXML", "Glibc", "Musl", "Darwin",
          "Testing", "XCTest", "Synchronization", "Dispatch", "_Concurrency"}
# Products that are imported under another module name.
ALSO_IMPORTED_AS = {"SystemPackage": {"System"}}


def bracketed(text, start):
    """The text between the '[' at `start` and its matching ']'."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "[":
            depth += 1
        elif text[index] == "]":
            depth -= 1
            if depth == 0:
                return text[start + 1:index]
    raise ValueError("unbalanced brackets in Package.swift")


def declared(package):
    targets = list(re.finditer(r'\.(?:target|testTarget|executableTarget)\(\s*name:\s*"([^"]+)"', package))
    result = {}
    for index, match in enumerate(targets):
        end = targets[index + 1].start() if index + 1 < len(targets) else len(package)
        body = package[match.end():end]
        dependencies = set()
        found = re.search(r"dependencies:\s*\[", body)
        if found:
            listing = bracketed(body, found.end() - 1)
            listing = re.sub(r"condition:\s*\.when\([^)]*\)", "", listing)
            dependencies |= set(re.findall(r'\.product\(name:\s*"([^"]+)"', listing))
            dependencies |= set(re.findall(r'\.target\(name:\s*"([^"]+)"', listing))
            dependencies |= set(re.findall(r'(?:^|[\[,])\s*"([^"]+)"', listing, re.M))
        result[match.group(1)] = dependencies
    return result


def imported(directory):
    modules = set()
    for path in glob.glob(os.path.join(directory, "**", "*.swift"), recursive=True):
        with open(path, encoding="utf-8") as file:
            for line in file:
                match = re.match(r"^(?:@\w+ |internal |package |public )*import (?:struct |enum |class |func |protocol )?(\w+)", line)
                if match:
                    modules.add(match.group(1))
    return modules - SYSTEM


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "Package.swift"), encoding="utf-8") as file:
        package = file.read()
    problems = []
    for target, dependencies in sorted(declared(package).items()):
        directory = next((os.path.join(root, base, target) for base in ("Sources", "Tests")
                          if os.path.isdir(os.path.join(root, base, target))), None)
        if directory is None:
            continue
        names = set(dependencies)
        for product, modules in ALSO_IMPORTED_AS.items():
            if product in names:
                names |= modules
        imports = imported(directory)
        missing = sorted(imports - names)
        unused = sorted(name for name in dependencies - imports if not ALSO_IMPORTED_AS.get(name, set()) & imports)
        if missing:
            problems.append(f"{target} imports {', '.join(missing)} without declaring it in Package.swift")
        if unused:
            problems.append(f"{target} declares {', '.join(unused)} in Package.swift but never imports it")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
