# Sourced by ./coexist and ./run-tests: exports JAVA_HOME pointing at a JDK >= 21.
# Order: JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm, then `java` on the PATH.
# The machine's default java may be 17, which cannot run Coexist.

coexist_java_major() {
  # prints the feature version of the java binary given as $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

coexist_find_jdk() {
  local wanted=21 candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(coexist_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$wanted" ]; then
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*/; do
    candidate=${candidate%/}
    [ -x "$candidate/bin/javac" ] || continue
    major=$(coexist_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$wanted" ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate
      best_major=$major
    fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(coexist_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$wanted" ]; then
      best=$candidate
    fi
  fi
  if [ -z "$best" ]; then
    echo "Coexist needs a JDK $wanted or newer (javac included)." >&2
    echo "None found: JAVA_HOME=${JAVA_HOME:-<unset>}, nothing suitable under /usr/lib/jvm, java on PATH: $(java -version 2>&1 | head -n 1)" >&2
    echo "Install one (e.g. 'apt-get install openjdk-21-jdk-headless' or a Temurin 21/25 JDK) or point JAVA_HOME at it." >&2
    return 1
  fi
  export JAVA_HOME=$best
}
