# live-gateway: WebSocket gateway, host API and web pages. Build from the repository root:
#   docker build -f docker/live-gateway.Dockerfile -t liveshop/live-gateway .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The build also makes a -tests.jar (shared test helpers): copy the application's jar only.
RUN ./mvnw -B -q -pl live-gateway -am install -DskipTests -DskipITs \
 && ./mvnw -B -q -pl live-gateway dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/app/lib \
 && app=$(ls live-gateway/target/live-gateway-*.jar | grep -v -e '-tests\.jar$') \
 && cp "$app" /app/app.jar

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 liveshop
COPY --from=build /app /app
USER liveshop
WORKDIR /app
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /healthz HTTP/1.0\r\n\r\n" >&3 && grep -q "200 OK" <&3' || exit 1
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-cp", "app.jar:lib/*", "dev.liveshop.gateway.GatewayMain"]
