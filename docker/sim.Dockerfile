# Simulated AI_TRADING_CORE service (feed or bot) for machines WITH a container registry.
# Offline machines build the same image from the host's node instead: src/client/rig/images.ts.
# Build from the repository root after `npx tsc -p tsconfig.build.json`:
#   docker build -f docker/sim.Dockerfile --build-arg SIM_VERSION=1.0.0 -t atc-sim:1.0.0 .
FROM node:20-slim

ARG SIM_VERSION=dev
ARG SIM_BEHAVIOR=normal

WORKDIR /app
# pg is the simulator's only dependency (keep the version in step with package.json)
RUN npm install --omit=dev --no-audit --no-fund --no-package-lock pg@8.23.1 \
 && npm cache clean --force \
 && ln -sf /usr/local/bin/node /usr/bin/node
# the rig's container spec runs the health check as /usr/bin/node (the path in the offline image), hence the link above
COPY dist/client/sim/*.js /app/sim/

ENV NODE_ENV=production SIM_VERSION=${SIM_VERSION} SIM_BEHAVIOR=${SIM_BEHAVIOR}
LABEL atc.sim.version=${SIM_VERSION}
USER node
HEALTHCHECK --interval=2s --timeout=2s --retries=2 --start-period=1s CMD ["/usr/bin/node", "/app/sim/healthcheck.js"]
CMD ["/usr/bin/node", "/app/sim/main.js"]
