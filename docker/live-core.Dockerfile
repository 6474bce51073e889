# live-core: the inventory and order service. Build from the repository root:
#   docker build -f docker/live-core.Dockerfile -t liveshop/live-core .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The build also makes a -tests.jar (shared test helpers): copy the application's jar only.
RUN ./mvnw -B -q -pl live-core -am install -DskipTests -DskipITs \
 && ./mvnw -B -q -pl live-core dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/app/lib \
 && app=$(ls live-core/target/live-core-*.jar | grep -v -e '-tests\.jar$') \
 && cp "$app" /app/app.jar

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 liveshop
COPY --from=build /app /app
USER liveshop
WORKDIR /app
EXPOSE 7070
# The gRPC port accepts connections once the schema is applied and sales are recovered.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/7070' || exit 1
ENV LIVESHOP_CORE_GRPC_HOST=0.0.0.0 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-cp", "app.jar:lib/*", "dev.liveshop.core.CoreMain"]
