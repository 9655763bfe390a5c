export declare const hostedPagesScript: string;
export declare function hostedPagesBuildIsFresh(): boolean;
export declare function buildHostedPages(): Promise<void>;
export declare function ensureHostedPagesBuild(): Promise<boolean>;
