/**
 * Real English words one key-slip away from a word the spelling stage corrects towards ("cooking" is one slip
 * from "choking"): these are read as written, never corrected. Generated from the word list of the
 * an-array-of-english-words package (a devDependency); test/agent/safety/spelling.test.ts fails, naming the
 * words to add, when a new lexicon word has neighbours missing here.
 */
const WORDS = `
aahing ablate ablet ablets achings acing acting aflutter ahing aking altitude ambulances anaphylaxes
anaphylaxies anywheres arching arcing areading argent ascared ashed ashing aspiring aspirins assaulter asudden
attach attask baching backet badging bagged bagging baking balking balled balling banding baning banking
banning banting barfly barging baring barley barned barning basely beading bearing beath beathing beefing
beeting befuddle befuddles bellowing bemuddled bevels billing billowings binger bingers binging bingles
bingling bister bistered bisters bitting blading blahing blames blaming blarting blaster blasters blawing
blaze blazing blearing bleedings bleeping blending blipped blipping blistery blitter blitters blooded blooding
bluefish blurbed blurring blurted blush bluster blustered blustering blusters boaked bobbed bobbing bobbly
bonging bounding bouses bracing braised brazed breach breaching breading breadth breastbones breathed breather
breathes breathings breaths breathy breeding breezing brightened broked broker brokes brooked bruise bruiser
bruises bruited brushed brushing buddled buffer bugged bugled bumble bumbled bunging bungled burbled burglary
burgle burgles buried burked burking burled burling burner burnet burnings burped burping burred burring burry
burying bushing cabled cablet cablets caching caking calced calked calking callee caller callet callid calling
calmed calved capsuled cared cashed caving celled chacked chaired chammy chared charged charked charmed
charted cheats cherts chess chesty chirred chocked chocking choker chokes chokey chooked chooking chored
choring chouses chowed chowing chumping churred clacked clames clipped clipping cloked cloking cloning
closings cloying clutter cluttering cobbed cobbing cockets codein codeina codeines codeins coked coking
collapses colled confuse confuses confusions confuted contused contusion cooked cooking coordinate coordinated
cosing couring couths cracker cracket crackled craked craking cranked craped crapped crashing crazed creaming
creasing creating crests cribble cribbling cricked cringing croaked croaking crocked crooker crooled crooling
crooned cropped cropping cruised crusher crushes crusted crusting cudden cuddled culled dagged dagging daled
danging dashed deading dearing dedication dedications devels diabetics dialer diallel dialler dibble dibbling
difficultly digoxins dilled dilling dinger dingers dinging dingles dioxin dirled disorientate disorientates
ditting ditziness doable dobbed dobbing dockets dopped dopping dosages dotage doubler doubles doublet doubly
doubted douses downstair drabble drabbling drapped drapping dreading drencher drenches dribbing dribbled
dribbler dribbles dribblet dribbly dripped dripping droiling drolling droobs droogs drooked drooking drooks
drooled drools drooly dropper droppings drops dualled duffer dumbness durned durning dushing dwelled dwelling
earing eching eclosing eight elephants emergence emergences eradiating estopped estrange estranger estrangers
etranger etrangers everwhere eyeliad eyelids eyesights fabling facing fagged fagging failing fained faining
fainter faintings faking faller fallings falsing fames fanging fashed fatling fatting fearing feezing feinted
feinting felling fetting fiating filing fillings filming finder finders fineer fineers finer finers fingertip
finner finners fisting fittings fizziness flakes flambes flamed flamen flamens flamer flamers flamms flams
flanes flappy flares flaring flatter flattering flaxes flemes flinger flingers flinted flinting flipped
flipping flippy flitter flittering flitting flooder floodings floored flooring fluish flumes flurred flurring
flurry fluster flustering fluter flutier flutters fluttery fobbed fobbing footstep foreheads foreread forkhead
founding fouths fracture fracturer fractures frames frapped freaking freeing freezings frenched fribble
fribbling friezing frightener frilling fringing fritting froren froze frushed frushing fuddled fugged fulling
fumble fumbled fuseless gabbled gabled gablet gablets gagged gagging gainful galled galling gallooned gambled
ganging gaping gapping garbed garble garbler garbles gargled gasher gashes gashing gasking gasped gaspings
gassed gasted gasting gauping gawping gazed gearing gilling ginger gingers gingles gitting glammy glaring
glazed glister glistered glistering glisters gloppy glucoses gluish glycose gnashed gobbed gobbing graced
gracing graded graped grasping grated graved grayed graze grazer grazes gribble gripped gripping growler
guddled gurgled gurned gurning gushed gusting hading haeing hagged hagging haling halling halving haming
handfuls handsful hanging hardily hardy haring hashed hasping hating hauses havings hawing haying hazing
headaches headachey headachy headily headiness heading headring healing heaping hearings hearsing heartbeats
hearting heaving heeze heezes heezing height heiring herring hests hilling hinger hingers hinging hiving
hoaring hobbed hobbing hocuses hoises hoked hoking homebody honed hoppled horses hoses hosses hounding housed
housel housels houser housers housey hoving hudden huddled huffer hugged humble humbled humping hunting
hurling hurtling hushing hutting hypoglycaemias hypoglycemias hypoglycemics hypothermias hypothermic
ibuprofens iching inconscious indulin infected ingles inhale inhaled inhales inhauler inhaulers injections
insection insulins intrude intruded intrudes inulin invected irregulars jacket jagged jagging jeeping jingles
jingling jingly jitter jitters jobbed jobbing jugged jumble jumbler jumbles keight kevels kinded kinging
kingles kingling kingly kipping kitting klister klisters lacing lagged lagging laking lalled lalling lames
lammy lashed latitudes laving leading learing leeping lemels levees levers leves lightening lightness lilling
linger lingers lingles lipped lipping lister listers lithiums littery lobated lobation lobbed lobbing locate
locater locates locations lockets locution longitudes loppy losing lounding louring louses lugged lurry
lushing macing magged magging malled malling manging marbled mashed mearing meddled mediation mediations
medicide medicides medicined mediciner mediciners meditation meditations metformins metrified middled
migraines milling minded minger mingers minging mingles mingling misoriented mobbed mobbing mogged monoxides
morphin morphines morphing morphins mounding mouses mouths mudded muddied muddler muddles mudged muggee mugger
mumble mumbled munged mushing nacket nagged nagging nauseas nearing nebulise nebulised nebulisers nebulises
nebulize nebulized nebulizers nebulizes neighborhoods neighbourhoods nevels nilling nockets noeses noised
nooses noses nosies nouses oaked occidentally outride outsider outsides outsize overdoes overdone overdoses
pacing packer packets pailful painted palled palling palpitation panful panging panick panicks paracetamols
paralyse paralyser paralyses paralyze paralyzer paralyzes paramedico paramedicos pashed passibly paving
peaking peculia peculiars peeping peopled peopler peoples petrifier petrifies pheeze pheezes pheezing phoner
phones phoney phonied picket pilling pillowing pinger pingers pinging pingles pingling pioned pitting placket
plainful platitude plurry pocket pockets poinding poises poisonings policed policer polices policy polite
ponding poppled poring possible postcoded postcodes poufing pouking pouncing poundings pouping pourings
pouting pownding powring poysoning preassure prescriptions pressured pressures pribble prisoning proler
proller propped propping proscription prouler prower prowled prowlers pudden puddled puffers puffery puffier
pugged purfle puring purpie purpled purpler purples purply pushing queazy quicky racings racino racked racket
racking radicating ragged ragging raging rahing raking rancing ranging raping rapped rarely raring rashed
rasing rasping rating raving rawing raxing raying razed razing readding readings readying reaking reaming
reaping rearing reaving redding reding reeding rembling rending revels revere ribbed ribbing ricing ridging
rigging rightened rightening rightness rilling rinded rinding ringers ringings rinking rinning rinsing ripped
ripping ritting roading robber robbin robbins robed robing rockets rooked rooped rooping roops roopy rouble
rounding rouses rouths rubbed rubbing ruddled rugged rumble rumbled rushed rushing sabbed sabbing sacred
sadden sagger saggings sainted sainting saintish sallowed sared sashed saving scabbed scabbing scagged
scagging scalder scaldings scaldini scaldino scaled scaling scalled scalped scalping scaped scare scarer
scares scarey scarfed scarped scarred scarted scauded scauding scaured scolded scolding scored scrape scraper
scrapes scrapped scrawped screaking screet screets screiching scrieching scurred scurring seared searing
seating seeping segars seisure seisures selling sentence sentenced sentencer sentencers sentiences sever
severed severer severs severy shacking shading shagged shagging shaked shakings shaling shallowed shaming
shanking shaping shared sharing sharking shaving shawing shearing shelled shelling shipped shipping shitting
shiver shiverings shivers shopped shoulders shouses shreeking shreiking shriekings shrieving shriking
shrinking sinded singers singles singling singly sipped sipping skepping skimping skipped skippings skivering
slabbed slabbing slagged slagging slaked slaking slapped slapping sleech slice slicer slices slicked slided
slimed sliped sliping slipper slitting slived slivering slopped slopping sloppy sluiced slurped slurping
slurried slurry slurrying smeech smelled smitting smoked smoker smokes smoulder smugged smurred smurring
snagged snagging snaked snaking snared sneaking snelled snelling snipped snipping soaken soaker soaking soaped
soared sobbed sobbing socked socket sodden soddenly sogged sogging someones sooked sopped sorehead souked
soundings souring souses souths sownding spagged spagging spained spared spatting speakings speaning spearing
specking spelled spetch spetting spiced spirting spiting spittings spliced splitting sporting spotting
spreadings spreazing spredding spurling spurning spurred spurring squeezer squeezes squeezings squeezy stabber
stabbings stabled stabling stagged stagging staked staking stalking stapped stared stelled stelling stepped
sternums stobbed stobbing stoke stokes stollen stomped stooped stoped stopper stoppled stounding straggling
strained strake strakes strander stranders strang stranges strangle strangler stranglers strapped straunge
streaming streek streeks streel streels streety strike strikes stringer stringers stripped stripping strobe
strobes strode stroken stroker strokers stronger strooke strookes stropped strove strugglings stubbed stubbing
studden stumble stumbled sturting suckets suddens suddenty sudder suffer suffocatings sugans sugary sugged
sugging suicided suicides sungars surgent surrounding swabbed swabbing swagged swagging swallower swealed
swealing swearing sweary sweatings sweats sweeled sweeling sweeting sweety sweller swellings swelted swelting
swilled swilling swopped swounding tabbed tabbing tabled tables tabret tabrets tacket tacking taeing tagged
tagging tainted tainting takin takings takins talcing talcking talkings tallet tallets taming tanging tangles
tangling tangly tanking taping tapped taring tashed tasking taslet taslets tawing taxing tearing terribles
terrifier terrifies threat throats throaty throbbings thumbing thunderclaps tilling tinded tingeing tinges
tinging tingle tingled tingler tinglers tinglings tinily tinkles tinkling tinkly tipped tipping tippled
titting togue toises toking tongued tongues topped topple topples torrified touring touses tracing tracked
tramped traped trapper trapping treading trebling trebly tremble tremblings trenched tressure tribble tringles
tripled tripling tripper trippet trippings trippled trippling troat troke trokes trooped trooping troops
troubled troubler troubles troule trumping tsking tugged tumbler tumbles tumping turgent turgently tushing
twilted twister twitted ugged umble unbearably unbeatable ungently untearable unwearable upstair upstirs urent
urned urning vagged vagging vertigos vialed vialled vices virion visions vison vocation voces voiced voicer
voicers voiles vomitings wabbly wagged wagging walled walling wallowed warbled warfaring warfarins washed
waving wearing weeping weigh weighs weights weighty welled welling wended wheeling wheely wheeping wheezed
wheezer wheezers wheezings wheezle wheezles wheezling whumping wight wilded willing willowing winced winder
windled wined winged winger wingers winging winked winned wisted witting wobble wounding wracked wrapped
wreaking wreath wreathe wreathing wreathless wrenched wright wringing wroken yarely yeading youth youthy
zagged zagging zinger zingers zinging
`;

/** The real words never corrected by the spelling stage. */
export const REAL_WORD_NEIGHBOURS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));
