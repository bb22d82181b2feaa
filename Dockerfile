# FlowRelay container: build with the .NET SDK, run on the slim runtime as a non-root user.
#   docker build -t flowrelay .
#   docker run -p 2055:2055/udp -p 4739:4739/udp -v flowrelay-data:/var/lib/flowrelay flowrelay
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props FlowRelay.sln ./
COPY src/ src/
RUN dotnet publish src/FlowRelay/FlowRelay.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app ./
COPY flowrelay.example.yaml /etc/flowrelay/flowrelay.example.yaml
# The runtime image ships the non-root user "app" (UID in $APP_UID); the relay needs no
# privilege: its default ports are above 1024. To listen below 1024, grant only that right:
#   docker run --cap-add NET_BIND_SERVICE ... (or setcap cap_net_bind_service on the host binary).
RUN mkdir -p /var/lib/flowrelay && chown "$APP_UID" /var/lib/flowrelay
ENV FLOWRELAY_DATA_DIR=/var/lib/flowrelay
VOLUME /var/lib/flowrelay
EXPOSE 2055/udp 4739/udp
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/flowrelay.dll"]
CMD ["run"]
